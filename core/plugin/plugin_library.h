// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// Loading sink plugins. A PluginLibrary is one dlopen()ed shared library
// whose descriptor has been checked and whose function table has been
// filled; a SinkInstance is one configured sink created from it.
//
// The loader reads the data-only descriptor before running any plugin code
// and refuses a library whose magic, ABI major version, name or required
// functions are wrong, with an error naming the file, the symbol and both
// versions. Plugins are looked up only in the directories given.
//
// Thread safety: a PluginLibrary is immutable after Load and may be shared
// (via shared_ptr) by instances on different threads. A SinkInstance must
// not be called concurrently (the ABI contract); the caller serialises.
#ifndef SINKHOST_CORE_PLUGIN_PLUGIN_LIBRARY_H_
#define SINKHOST_CORE_PLUGIN_PLUGIN_LIBRARY_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/schema/schema.h"
#include "sinkhost/arrow.hpp"
#include "sinkhost/sink_abi.h"
#include "sinkhost/status.hpp"

namespace sinkhost {

// What the descriptor says, copied out of the library.
struct PluginInfo {
  std::string path;
  std::string name;
  std::string version;
  std::string description;
  uint16_t abi_major = 0;
  uint16_t abi_minor = 0;
  uint64_t capabilities = 0;
  struct Option {
    std::string name, type, default_value, description;
    bool has_default = false;
    bool required = false;
  };
  std::vector<Option> options;

  bool transactional() const { return (capabilities & SINKHOST_CAP_TRANSACTIONAL) != 0; }
};

class PluginLibrary {
 public:
  // Loads the library at `path` and checks it. On failure nothing of the
  // plugin stays loaded.
  static Status Load(const std::string& path, std::shared_ptr<PluginLibrary>* out);
  // Finds `<dir>/<name>.so` in the first of `dirs` that has it, then Load.
  static Status Find(const std::string& name, const std::vector<std::string>& dirs,
                     std::shared_ptr<PluginLibrary>* out);

  ~PluginLibrary();
  PluginLibrary(const PluginLibrary&) = delete;
  PluginLibrary& operator=(const PluginLibrary&) = delete;

  const PluginInfo& info() const { return info_; }
  const sinkhost_sink_api& api() const { return api_; }

 private:
  PluginLibrary() = default;
  void* handle_ = nullptr;
  PluginInfo info_;
  sinkhost_sink_api api_{};
};

// The C view (sinkhost_options) of an options map, for create. Valid while
// both this and the map live.
class AbiOptions {
 public:
  explicit AbiOptions(const std::map<std::string, std::string>& options);
  AbiOptions(const AbiOptions&) = delete;
  AbiOptions& operator=(const AbiOptions&) = delete;
  const sinkhost_options* get() const { return &options_; }

 private:
  std::vector<const char*> keys_, values_;
  sinkhost_options options_;
};

// Converts a C status plus the plugin's error into a Status (the only place).
Status StatusFromAbi(sinkhost_status code, const UniqueError& error, const std::string& context);

// One configured sink: create/open/write/flush/close/destroy through the
// library's table, with errors as Status values.
class SinkInstance {
 public:
  // Calls create with the options; the library stays loaded while the
  // instance lives.
  static Status Create(std::shared_ptr<PluginLibrary> library,
                       const std::map<std::string, std::string>& options,
                       std::unique_ptr<SinkInstance>* out);
  ~SinkInstance();  // close if open, then destroy
  SinkInstance(const SinkInstance&) = delete;
  SinkInstance& operator=(const SinkInstance&) = delete;

  const PluginInfo& info() const { return library_->info(); }
  bool is_open() const { return open_; }

  Status Open(const std::string& stream_name, const Schema& schema);
  // Writes a batch described by `schema` (the stream's Arrow schema, kept by
  // the caller) and `batch` (released by this call unless the plugin took it).
  Status Write(const ArrowSchema* schema, UniqueArray batch, const sinkhost_batch_info& info);
  Status Flush();
  Status Close();

 private:
  SinkInstance() = default;
  std::shared_ptr<PluginLibrary> library_;
  void* instance_ = nullptr;
  bool open_ = false;
};

}  // namespace sinkhost

#endif  // SINKHOST_CORE_PLUGIN_PLUGIN_LIBRARY_H_
