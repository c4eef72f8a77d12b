// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

/*
 * A sink written in plain C against sink_abi.h alone, used by the tests.
 * Compiled several times with a TEST_SINK_VARIANT_* definition to produce
 * plugins that are broken in one specific way (wrong ABI major, missing
 * symbols, missing functions) or that come from a "newer" SDK (larger
 * structs), so the loader's checks can be exercised on real libraries.
 *
 * The working variant accepts options:
 *   record      path: appends one line per row with the first column (int64)
 *   gate        path: write() waits while this file exists (a stalled sink)
 *   fail        none | retryable | permanent | open_retryable
 *   fail_times  how many calls fail before success (-1 = always; default)
 *   reject      path: a batch holding a row whose first column (int64) is
 *               listed in this file, one number per line, is refused as
 *               PERMANENT (poison rows); read at every write
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sinkhost/sink_abi.h"

#define EXPORT __attribute__((visibility("default")))

typedef struct {
  char* record;
  char* gate;
  char* reject;
  char fail[32];
  long fail_times;
  long failures;
} test_sink;

static void release_error(sinkhost_error* error) {
  free(error->message);
  error->message = NULL;
  error->release = NULL;
}

static sinkhost_status set_error(sinkhost_error* error, sinkhost_status code, const char* msg,
                                 int64_t retry_after_ms) {
  if (error != NULL && SINKHOST_HAS_FIELD(error, sinkhost_error, release)) {
    error->message = strdup(msg);
    error->retry_after_ms = retry_after_ms;
    error->release = release_error;
  }
  return code;
}

/* Returns nonzero when the configured failure should be injected now. */
static int should_fail(test_sink* s, const char* kind) {
  if (strcmp(s->fail, kind) != 0) return 0;
  if (s->fail_times >= 0 && s->failures >= s->fail_times) return 0;
  s->failures++;
  return 1;
}

static sinkhost_status ts_create(const sinkhost_options* options, void** out,
                                 sinkhost_error* error) {
  test_sink* s = calloc(1, sizeof(test_sink));
  char msg[256];
  strcpy(s->fail, "none");
  s->fail_times = -1;
  for (size_t i = 0; i < options->count; ++i) {
    const char* k = options->keys[i];
    const char* v = options->values[i];
    if (strcmp(k, "record") == 0) {
      s->record = strdup(v);
    } else if (strcmp(k, "gate") == 0) {
      s->gate = strdup(v);
    } else if (strcmp(k, "reject") == 0) {
      s->reject = strdup(v);
    } else if (strcmp(k, "fail") == 0) {
      snprintf(s->fail, sizeof(s->fail), "%s", v);
    } else if (strcmp(k, "fail_times") == 0) {
      s->fail_times = strtol(v, NULL, 10);
    } else {
      snprintf(msg, sizeof(msg), "unknown option '%s' for sink 'test_sink'", k);
      free(s->record);
      free(s->gate);
      free(s->reject);
      free(s);
      return set_error(error, SINKHOST_ERROR_INVALID_ARGUMENT, msg, 0);
    }
  }
  *out = s;
  return SINKHOST_OK;
}

static sinkhost_status ts_open(void* instance, const sinkhost_stream_info* stream,
                               sinkhost_error* error) {
  test_sink* s = instance;
  if (should_fail(s, "open_retryable"))
    return set_error(error, SINKHOST_ERROR_RETRYABLE, "injected open failure", 0);
  if (stream->schema == NULL || strcmp(stream->schema->format, "+s") != 0)
    return set_error(error, SINKHOST_ERROR_INVALID_ARGUMENT, "schema is not a struct", 0);
  return SINKHOST_OK;
}

/* Returns the first id of the batch listed in the reject file, or -1. */
static long long find_rejected(const test_sink* s, const struct ArrowArray* batch) {
  if (s->reject == NULL || batch->n_children == 0) return -1;
  FILE* f = fopen(s->reject, "r");
  if (f == NULL) return -1;
  long long listed[64];
  int n = 0;
  while (n < 64 && fscanf(f, "%lld", &listed[n]) == 1) ++n;
  fclose(f);
  const int64_t* ids = (const int64_t*)batch->children[0]->buffers[1];
  for (int64_t i = 0; i < batch->length; ++i) {
    long long id = (long long)ids[i + batch->children[0]->offset];
    for (int k = 0; k < n; ++k)
      if (listed[k] == id) return id;
  }
  return -1;
}

static sinkhost_status ts_write(void* instance, const struct ArrowSchema* schema,
                                struct ArrowArray* batch, const sinkhost_batch_info* info,
                                sinkhost_error* error) {
  test_sink* s = instance;
  (void)info;
  while (s->gate != NULL && access(s->gate, F_OK) == 0) usleep(5000);
  if (should_fail(s, "retryable"))
    return set_error(error, SINKHOST_ERROR_RETRYABLE, "injected retryable failure", 10);
  if (should_fail(s, "permanent"))
    return set_error(error, SINKHOST_ERROR_PERMANENT, "injected permanent failure", 0);
  long long rejected = find_rejected(s, batch);
  if (rejected >= 0) {
    char msg[96];
    snprintf(msg, sizeof(msg), "row with id %lld refused", rejected);
    return set_error(error, SINKHOST_ERROR_PERMANENT, msg, 0);
  }
  if (s->record != NULL && batch->n_children > 0 &&
      strcmp(schema->children[0]->format, "l") == 0) {
    FILE* f = fopen(s->record, "a");
    if (f == NULL) return set_error(error, SINKHOST_ERROR_RETRYABLE, strerror(errno), 0);
    const int64_t* ids = (const int64_t*)batch->children[0]->buffers[1];
    for (int64_t i = 0; i < batch->length; ++i)
      fprintf(f, "%lld\n", (long long)ids[i + batch->children[0]->offset]);
    fclose(f);
  }
  return SINKHOST_OK;
}

static sinkhost_status ts_close(void* instance, sinkhost_error* error) {
  (void)instance;
  (void)error;
  return SINKHOST_OK;
}

static void ts_destroy(void* instance) {
  test_sink* s = instance;
  free(s->record);
  free(s->gate);
  free(s->reject);
  free(s);
}

static const sinkhost_option_spec kRecord = {sizeof(sinkhost_option_spec), "record", "path",
                                             NULL, "file to append row ids to", 0};
static const sinkhost_option_spec* const kOptions[] = {&kRecord, NULL};

#if defined(TEST_SINK_VARIANT_FUTURE)
/* A descriptor from a future 1.9 SDK: the 1.0 fields, then fields this host
 * has never heard of. The host must read what it knows and ignore the rest. */
typedef struct {
  sinkhost_descriptor v1;
  const char* homepage;
  uint64_t future_flags;
} future_descriptor;
EXPORT const future_descriptor sinkhost_plugin_descriptor = {
    {sizeof(future_descriptor), SINKHOST_DESCRIPTOR_MAGIC, SINKHOST_ABI_VERSION_MAJOR, 9,
     "test_sink", "9.9.9", "a sink from the future", 0, kOptions},
    "https://example.invalid",
    42};
#elif !defined(TEST_SINK_VARIANT_NO_DESCRIPTOR)
EXPORT const sinkhost_descriptor sinkhost_plugin_descriptor = {
    sizeof(sinkhost_descriptor),
#if defined(TEST_SINK_VARIANT_BAD_MAGIC)
    0xDEADBEEFu,
#else
    SINKHOST_DESCRIPTOR_MAGIC,
#endif
#if defined(TEST_SINK_VARIANT_MAJOR2)
    SINKHOST_ABI_VERSION_MAJOR + 1,
#else
    SINKHOST_ABI_VERSION_MAJOR,
#endif
    SINKHOST_ABI_VERSION_MINOR,
    "test_sink",
    "1.0.0",
    "records row ids; injects failures and stalls on request",
    0,
    kOptions};
#endif

#if !defined(TEST_SINK_VARIANT_NO_INIT)
/* The table a future SDK would fill: this host's fields, then more. */
typedef struct {
  sinkhost_sink_api v1;
  sinkhost_status (*future_function)(void* instance);
} future_api;

EXPORT sinkhost_status sinkhost_plugin_init(uint16_t host_major, uint16_t host_minor,
                                            sinkhost_sink_api* table, sinkhost_error* error) {
  (void)host_minor;
  if (host_major != SINKHOST_ABI_VERSION_MAJOR)
    return set_error(error, SINKHOST_ERROR_INVALID_ARGUMENT, "unsupported host ABI major", 0);
  future_api mine;
  memset(&mine, 0, sizeof(mine));
  mine.v1.create = ts_create;
  mine.v1.open = ts_open;
#if !defined(TEST_SINK_VARIANT_NO_WRITE)
  mine.v1.write = ts_write;
#else
  (void)ts_write;
#endif
  mine.v1.flush = NULL; /* optional */
  mine.v1.close = ts_close;
  mine.v1.destroy = ts_destroy;
  /* Fill only what fits in the host's table. */
  uint32_t host_size = table->struct_size;
  memcpy(table, &mine, host_size < sizeof(mine) ? host_size : sizeof(mine));
  table->struct_size = host_size;
  return SINKHOST_OK;
}
#endif
