// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

/*
 * sinkhost sink plugin ABI.
 *
 * A sink is a shared library that receives batches of typed rows from the
 * sinkhost server and stores them somewhere (a database, a file, a queue).
 * This header is the whole contract between the host and a sink. It is plain
 * C so that sinks can be written in C, C++, Rust or anything with a C FFI.
 *
 * Loading, in order:
 *   1. The host dlopen()s the library and reads the data-only descriptor
 *      `sinkhost_plugin_descriptor` (a `const sinkhost_descriptor`). No plugin
 *      code runs before the descriptor has been checked: magic number, ABI
 *      major version, name.
 *   2. The host calls `sinkhost_plugin_init`, which fills a function table.
 *   3. Per configured sink: create(options) -> open(stream schema) ->
 *      write(batch)* / flush()* -> close() -> destroy().
 *
 * Thread safety: calls on one instance never overlap; the host serialises
 * them (each instance is driven by one flusher thread at a time, though not
 * always the same thread). Different instances of one plugin may be called
 * concurrently from different threads, so plugin-global state must be
 * thread-safe. `sinkhost_plugin_init` and the descriptor are used once per
 * load, before any instance exists.
 *
 * Compatibility: every struct that crosses the boundary starts with a
 * `struct_size` field and only ever grows at the end. The side that allocates
 * a struct sets `struct_size` to the size it knows; the other side reads or
 * writes only the fields that lie within both its own and the received size.
 * A plugin built against ABI 1.x loads into any host of ABI 1.y; a change of
 * the major version means the host refuses the plugin.
 *
 * Errors: every fallible call returns a `sinkhost_status`. On anything but
 * SINKHOST_OK the plugin may describe the failure in the `sinkhost_error`
 * passed by the host: a message it owns and frees in `release`, and a
 * retry-after hint. No exception or C++ type may cross this boundary.
 *
 * Batches cross as Arrow C Data Interface record batches (see
 * https://arrow.apache.org/docs/format/CDataInterface.html): a struct-typed
 * `ArrowSchema` describing the columns and an `ArrowArray` of the same type.
 * See `write` below for ownership.
 */
#ifndef SINKHOST_SINK_ABI_H_
#define SINKHOST_SINK_ABI_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Versions                                                                  */
/* ------------------------------------------------------------------------ */

/* Bumped when a change breaks old plugins; the host refuses other majors. */
#define SINKHOST_ABI_VERSION_MAJOR 1
/* Bumped when fields or functions are added at the end of a struct.
 * 1.1: sinkhost_batch_info.flags (SINKHOST_BATCH_STABLE_POSITIONS). */
#define SINKHOST_ABI_VERSION_MINOR 1

/* First field of the descriptor after struct_size: "SNKH". */
#define SINKHOST_DESCRIPTOR_MAGIC 0x534E4B48u

/* True when the struct behind `ptr` (of type `type`, as received from the
 * other side) is large enough to contain `field`. */
#define SINKHOST_HAS_FIELD(ptr, type, field) \
  ((ptr)->struct_size >= offsetof(type, field) + sizeof(((type*)0)->field))

/* Names of the two symbols every plugin exports. */
#define SINKHOST_DESCRIPTOR_SYMBOL "sinkhost_plugin_descriptor"
#define SINKHOST_INIT_SYMBOL "sinkhost_plugin_init"

/* ------------------------------------------------------------------------ */
/* Arrow C Data Interface, as published by the Apache Arrow project.        */
/* The guard lets this header coexist with any Arrow library's copy.        */
/* ------------------------------------------------------------------------ */
#ifndef ARROW_C_DATA_INTERFACE
#define ARROW_C_DATA_INTERFACE

#define ARROW_FLAG_DICTIONARY_ORDERED 1
#define ARROW_FLAG_NULLABLE 2
#define ARROW_FLAG_MAP_KEYS_SORTED 4

struct ArrowSchema {
  const char* format;
  const char* name;
  const char* metadata;
  int64_t flags;
  int64_t n_children;
  struct ArrowSchema** children;
  struct ArrowSchema* dictionary;
  void (*release)(struct ArrowSchema*);
  void* private_data;
};

struct ArrowArray {
  int64_t length;
  int64_t null_count;
  int64_t offset;
  int64_t n_buffers;
  int64_t n_children;
  const void** buffers;
  struct ArrowArray** children;
  struct ArrowArray* dictionary;
  void (*release)(struct ArrowArray*);
  void* private_data;
};

#endif /* ARROW_C_DATA_INTERFACE */

/*
 * Column types a stream can have, and the Arrow format string each arrives
 * as. Sinks should accept exactly these formats:
 *   string     "u"        (utf8, int32 offsets; always valid UTF-8)
 *   int64      "l"
 *   float64    "g"
 *   bool       "b"        (bit-packed)
 *   timestamp  "tsu:UTC"  (int64 microseconds since the Unix epoch, UTC)
 * The batch itself is a struct array, format "+s", one child per column,
 * offset 0, no nulls at the top level. A child carries ARROW_FLAG_NULLABLE
 * when the column is nullable; only then may it have a validity bitmap.
 */

/* ------------------------------------------------------------------------ */
/* Status and errors                                                         */
/* ------------------------------------------------------------------------ */

typedef int32_t sinkhost_status;

/* Success. */
#define SINKHOST_OK 0
/* A transient failure (connection lost, server busy, lock timeout): the host
 * retries the same batch later, after retry_after_ms if given. */
#define SINKHOST_ERROR_RETRYABLE 1
/* The batch can never succeed as it is (type mismatch, constraint violated):
 * the host must not retry it unchanged. */
#define SINKHOST_ERROR_PERMANENT 2
/* Options or stream schema are unacceptable (create/open only): the host
 * refuses to start with this sink configuration. */
#define SINKHOST_ERROR_INVALID_ARGUMENT 3
/* The plugin does not implement the requested operation. */
#define SINKHOST_ERROR_NOT_IMPLEMENTED 4

/*
 * Filled by the plugin on failure. The host zero-initialises the struct and
 * sets struct_size before each call; after the call it reads the fields and,
 * if `release` is not NULL, calls release(error) exactly once.
 */
typedef struct sinkhost_error {
  uint32_t struct_size;
  /* NUL-terminated UTF-8 text; owned by the plugin until release. */
  char* message;
  /* With SINKHOST_ERROR_RETRYABLE: wait at least this long before retrying,
   * in milliseconds; 0 means "let the host choose". */
  int64_t retry_after_ms;
  /* Frees message and private_data; sets release to NULL. */
  void (*release)(struct sinkhost_error* error);
  void* private_data;
} sinkhost_error;

/* ------------------------------------------------------------------------ */
/* Descriptor: data only, read before any plugin code runs                  */
/* ------------------------------------------------------------------------ */

/* The sink commits each write atomically (all rows or none) and can record a
 * batch id in the same transaction. */
#define SINKHOST_CAP_TRANSACTIONAL (UINT64_C(1) << 0)
/* Data written is durable when write (or flush) returns OK. */
#define SINKHOST_CAP_DURABLE (UINT64_C(1) << 1)

/* Option flags. */
#define SINKHOST_OPTION_REQUIRED (UINT32_C(1) << 0)

typedef struct sinkhost_option_spec {
  uint32_t struct_size;
  const char* name;
  /* One of "string", "int", "bool", "size", "duration", "path". */
  const char* type;
  /* Text of the default, or NULL when there is none. */
  const char* default_value;
  const char* description;
  uint32_t flags;
} sinkhost_option_spec;

typedef struct sinkhost_descriptor {
  uint32_t struct_size;
  uint32_t magic; /* SINKHOST_DESCRIPTOR_MAGIC */
  uint16_t abi_major;
  uint16_t abi_minor;
  /* The name configs use in `plugin:`; [a-z0-9_]+. */
  const char* name;
  /* The plugin's own version, free text such as "1.2.0". */
  const char* version;
  const char* description;
  uint64_t capabilities; /* SINKHOST_CAP_* */
  /* NULL-terminated array of pointers, so each spec can grow on its own. */
  const sinkhost_option_spec* const* options;
} sinkhost_descriptor;

/* ------------------------------------------------------------------------ */
/* Arguments                                                                 */
/* ------------------------------------------------------------------------ */

/* Options from the config file, all as text. Valid during create only. */
typedef struct sinkhost_options {
  uint32_t struct_size;
  size_t count;
  const char* const* keys;
  const char* const* values;
} sinkhost_options;

/* The stream a sink instance is opened for. Valid during open only; the
 * plugin copies what it wants to keep. */
typedef struct sinkhost_stream_info {
  uint32_t struct_size;
  const char* stream_name;
  /* Struct-typed schema ("+s"), one child per column, in column order. */
  const struct ArrowSchema* schema;
} sinkhost_stream_info;

/* sinkhost_batch_info.flags: the batch's rows are the stream positions
 * [first_sequence, first_sequence + row_count), and every row keeps its
 * position for good: after a retry, a crash and a restart the same row comes
 * back at the same position, positions only grow within a (stream, sink)
 * and are never given to another row. A sink that stores, in the same
 * transaction as the rows, the end of the highest range it committed can
 * therefore skip every row below it when a range is sent again, even when
 * the re-sent batch is cut differently (it overlaps partly). Without this
 * flag (older hosts, rows re-sent from quarantine) positions are only
 * meaningful for the batch id and such a ledger must not be consulted. */
#define SINKHOST_BATCH_STABLE_POSITIONS (UINT64_C(1) << 0)

/* Describes one batch handed to write. */
typedef struct sinkhost_batch_info {
  uint32_t struct_size;
  /* Deterministic id of this batch: "<stream>:<sink>:<first>-<end>", with
   * first_sequence and first_sequence + row_count as decimal numbers. The
   * same rows are re-sent with the same id after a retry; after a restart
   * they may be re-sent cut differently, so transactional sinks should
   * track positions (see SINKHOST_BATCH_STABLE_POSITIONS), not ids. */
  const char* batch_id;
  /* Position of the batch's first row in the stream, and its row count. */
  uint64_t first_sequence;
  uint64_t row_count;
  /* How many times this batch was handed to write before (0 = first try). */
  uint32_t attempt;
  /* ABI 1.1. SINKHOST_BATCH_* bits. A uint64_t, not a uint32_t: a 32-bit
   * field would sit in the padding after `attempt`, inside the struct_size
   * of 1.0 hosts that never set it. Read it only when SINKHOST_HAS_FIELD. */
  uint64_t flags;
} sinkhost_batch_info;

/* ------------------------------------------------------------------------ */
/* Function table                                                            */
/* ------------------------------------------------------------------------ */

typedef struct sinkhost_sink_api {
  uint32_t struct_size;

  /* Creates an instance from its options. Unknown or invalid options give
   * SINKHOST_ERROR_INVALID_ARGUMENT with a message naming the option.
   * On success *out_instance is an opaque handle for the other calls. */
  sinkhost_status (*create)(const sinkhost_options* options, void** out_instance,
                            sinkhost_error* error);

  /* Prepares to receive batches of the given stream (e.g. creates a table).
   * May fail with RETRYABLE when the backend is not reachable yet. */
  sinkhost_status (*open)(void* instance, const sinkhost_stream_info* stream,
                          sinkhost_error* error);

  /* Writes one batch. `schema` is the stream's schema, as in open. `batch`
   * is owned by the host; the plugin may read it during the call, or take
   * it over by copying the struct and setting batch->release to NULL, after
   * which the plugin must call the copy's release exactly once when done.
   * A return of OK means the rows are stored (or, for non-durable sinks,
   * handed to the backend; see flush). On RETRYABLE the host sends the same
   * rows again later; on PERMANENT the host will not resend them unchanged. */
  sinkhost_status (*write)(void* instance, const struct ArrowSchema* schema,
                           struct ArrowArray* batch, const sinkhost_batch_info* info,
                           sinkhost_error* error);

  /* Makes everything written so far durable (fsync, commit). May be NULL
   * when every write is already durable. */
  sinkhost_status (*flush)(void* instance, sinkhost_error* error);

  /* Releases backend resources (connections, files). The instance may be
   * opened again afterwards. */
  sinkhost_status (*close)(void* instance, sinkhost_error* error);

  /* Frees the instance; it is not used again. Never fails. */
  void (*destroy)(void* instance);
} sinkhost_sink_api;

/*
 * The entry point. The host passes its own ABI version and a zeroed table
 * whose struct_size it has set. The plugin checks the major version (and
 * returns SINKHOST_ERROR_INVALID_ARGUMENT if it differs), then fills the
 * function pointers that lie within table->struct_size.
 */
typedef sinkhost_status (*sinkhost_plugin_init_fn)(uint16_t host_abi_major,
                                                   uint16_t host_abi_minor,
                                                   sinkhost_sink_api* table,
                                                   sinkhost_error* error);

#ifdef __cplusplus
}
#endif

#endif /* SINKHOST_SINK_ABI_H_ */
