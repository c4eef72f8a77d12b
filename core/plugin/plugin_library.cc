// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/plugin/plugin_library.h"

#include <dlfcn.h>
#include <sys/stat.h>

#include <cstring>

namespace sinkhost {

namespace {

std::string Version(uint32_t major, uint32_t minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

// Reads a string field of the descriptor, bounded in length so that a
// garbage pointer in a broken plugin is less likely to run away.
std::string SafeString(const char* s) {
  if (s == nullptr) return "";
  return std::string(s, strnlen(s, 4096));
}

}  // namespace

PluginLibrary::~PluginLibrary() {
  if (handle_ != nullptr) dlclose(handle_);
}

Status PluginLibrary::Load(const std::string& path, std::shared_ptr<PluginLibrary>* out) {
  // RTLD_LOCAL keeps each plugin's symbols (and their sqlite/libpq copies)
  // from resolving against another plugin's.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    return Status::InvalidArgument("cannot load plugin " + path + ": " + (why ? why : "unknown"));
  }
  std::shared_ptr<PluginLibrary> lib(new PluginLibrary());
  lib->handle_ = handle;
  lib->info_.path = path;

  auto* desc =
      static_cast<const sinkhost_descriptor*>(dlsym(handle, SINKHOST_DESCRIPTOR_SYMBOL));
  if (desc == nullptr)
    return Status::InvalidArgument("plugin " + path + " does not export the symbol '" +
                                   SINKHOST_DESCRIPTOR_SYMBOL + "'; is it a sinkhost sink?");
  // Only the leading fields are guaranteed; check the size before reading on.
  if (desc->struct_size < offsetof(sinkhost_descriptor, abi_minor) + sizeof(uint16_t))
    return Status::InvalidArgument("plugin " + path + ": symbol '" + SINKHOST_DESCRIPTOR_SYMBOL +
                                   "' is too small (" + std::to_string(desc->struct_size) +
                                   " bytes) to be a descriptor");
  if (desc->magic != SINKHOST_DESCRIPTOR_MAGIC)
    return Status::InvalidArgument("plugin " + path + ": symbol '" + SINKHOST_DESCRIPTOR_SYMBOL +
                                   "' has the wrong magic number; not a sinkhost descriptor");
  if (desc->abi_major != SINKHOST_ABI_VERSION_MAJOR)
    return Status::InvalidArgument(
        "plugin " + path + " was built for sink ABI " + Version(desc->abi_major, desc->abi_minor) +
        " (symbol '" + SINKHOST_DESCRIPTOR_SYMBOL + "') but this host speaks ABI " +
        Version(SINKHOST_ABI_VERSION_MAJOR, SINKHOST_ABI_VERSION_MINOR) +
        "; rebuild the plugin against this host's sink_abi.h");
  if (!SINKHOST_HAS_FIELD(desc, sinkhost_descriptor, options))
    return Status::InvalidArgument("plugin " + path + ": descriptor of " +
                                   std::to_string(desc->struct_size) +
                                   " bytes lacks fields every ABI 1 descriptor has");
  PluginInfo& info = lib->info_;
  info.name = SafeString(desc->name);
  info.version = SafeString(desc->version);
  info.description = SafeString(desc->description);
  info.abi_major = desc->abi_major;
  info.abi_minor = desc->abi_minor;
  info.capabilities = desc->capabilities;
  if (Status st = ValidateIdentifier("plugin name", info.name); !st.ok())
    return st.WithContext("plugin " + path);
  for (auto* const* spec = desc->options; spec != nullptr && *spec != nullptr; ++spec) {
    if (!SINKHOST_HAS_FIELD(*spec, sinkhost_option_spec, flags))
      return Status::InvalidArgument("plugin " + path + ": an option spec is too small");
    PluginInfo::Option o;
    o.name = SafeString((*spec)->name);
    o.type = (*spec)->type ? SafeString((*spec)->type) : "string";
    o.has_default = (*spec)->default_value != nullptr;
    o.default_value = SafeString((*spec)->default_value);
    o.description = SafeString((*spec)->description);
    o.required = ((*spec)->flags & SINKHOST_OPTION_REQUIRED) != 0;
    info.options.push_back(std::move(o));
  }

  // Only now run plugin code.
  auto init = reinterpret_cast<sinkhost_plugin_init_fn>(dlsym(handle, SINKHOST_INIT_SYMBOL));
  if (init == nullptr)
    return Status::InvalidArgument("plugin " + path + " does not export the entry point '" +
                                   SINKHOST_INIT_SYMBOL + "'");
  std::memset(&lib->api_, 0, sizeof(lib->api_));
  lib->api_.struct_size = sizeof(lib->api_);
  UniqueError error;
  sinkhost_status rc = init(SINKHOST_ABI_VERSION_MAJOR, SINKHOST_ABI_VERSION_MINOR, &lib->api_,
                            error.get());
  if (rc != SINKHOST_OK)
    return StatusFromAbi(rc, error, "plugin " + path + ": " + SINKHOST_INIT_SYMBOL);
  lib->api_.struct_size = sizeof(lib->api_);
  const char* missing = nullptr;
  if (lib->api_.create == nullptr) missing = "create";
  else if (lib->api_.open == nullptr) missing = "open";
  else if (lib->api_.write == nullptr) missing = "write";
  else if (lib->api_.close == nullptr) missing = "close";
  else if (lib->api_.destroy == nullptr) missing = "destroy";
  if (missing != nullptr)
    return Status::InvalidArgument("plugin " + path + ": " + SINKHOST_INIT_SYMBOL +
                                   " left the required function '" + missing + "' unset");
  *out = std::move(lib);
  return Status::OK();
}

Status PluginLibrary::FindPath(const std::string& name, const std::vector<std::string>& dirs,
                               std::string* path) {
  SINKHOST_RETURN_NOT_OK(ValidateIdentifier("plugin name", name));
  std::string searched;
  for (const std::string& dir : dirs) {
    std::string candidate = dir + "/" + name + ".so";
    struct stat st;
    if (::stat(candidate.c_str(), &st) == 0) {
      *path = std::move(candidate);
      return Status::OK();
    }
    searched += (searched.empty() ? "" : ", ") + dir;
  }
  return Status::InvalidArgument("no plugin named '" + name + "' (looked for " + name +
                                 ".so in: " + (searched.empty() ? "no directories" : searched) +
                                 ")");
}

Status PluginLibrary::Find(const std::string& name, const std::vector<std::string>& dirs,
                           std::shared_ptr<PluginLibrary>* out) {
  std::string path;
  SINKHOST_RETURN_NOT_OK(FindPath(name, dirs, &path));
  SINKHOST_RETURN_NOT_OK(Load(path, out));
  if ((*out)->info().name != name) {
    std::string actual = (*out)->info().name;
    out->reset();
    return Status::InvalidArgument("plugin " + path + " calls itself '" + actual +
                                   "', expected '" + name + "'");
  }
  return Status::OK();
}

Status StatusFromAbi(sinkhost_status code, const UniqueError& error, const std::string& context) {
  if (code == SINKHOST_OK) return Status::OK();
  std::string msg = error.message();
  if (msg.empty()) msg = "no message given";
  Status::Code c;
  switch (code) {
    case SINKHOST_ERROR_RETRYABLE: c = Status::Code::kRetryable; break;
    case SINKHOST_ERROR_INVALID_ARGUMENT: c = Status::Code::kInvalidArgument; break;
    case SINKHOST_ERROR_NOT_IMPLEMENTED: c = Status::Code::kNotImplemented; break;
    case SINKHOST_ERROR_PERMANENT: c = Status::Code::kPermanent; break;
    default:
      c = Status::Code::kPermanent;
      msg = "unknown status code " + std::to_string(code) + ": " + msg;
      break;
  }
  return Status::FromCode(c, context + ": " + msg, error.retry_after_ms());
}

AbiOptions::AbiOptions(const std::map<std::string, std::string>& options) {
  for (const auto& [k, v] : options) {
    keys_.push_back(k.c_str());
    values_.push_back(v.c_str());
  }
  options_.struct_size = sizeof(options_);
  options_.count = keys_.size();
  options_.keys = keys_.data();
  options_.values = values_.data();
}

const char* IsolationName(Isolation isolation) {
  return isolation == Isolation::kProcess ? "process" : "in_process";
}

bool ParseIsolation(std::string_view text, Isolation* out) {
  if (text == "process") *out = Isolation::kProcess;
  else if (text == "in_process") *out = Isolation::kInProcess;
  else return false;
  return true;
}

namespace {

// The plugin's table called directly, on the caller's thread.
class InProcessSink final : public SinkInstance {
 public:
  InProcessSink(std::shared_ptr<PluginLibrary> library, void* instance)
      : library_(std::move(library)), instance_(instance) {}
  ~InProcessSink() override {
    if (open_) (void)Close();
    library_->api().destroy(instance_);
  }

  const PluginInfo& info() const override { return library_->info(); }
  bool is_open() const override { return open_; }

  Status Open(const std::string& stream_name, const Schema& schema) override {
    UniqueSchema arrow_schema;
    schema.ExportToArrow(arrow_schema.get());
    sinkhost_stream_info info;
    info.struct_size = sizeof(info);
    info.stream_name = stream_name.c_str();
    info.schema = arrow_schema.get();
    UniqueError error;
    sinkhost_status rc = library_->api().open(instance_, &info, error.get());
    if (rc != SINKHOST_OK) return StatusFromAbi(rc, error, "open");
    open_ = true;
    return Status::OK();
  }

  Status Write(const ArrowSchema* schema, UniqueArray batch,
               const sinkhost_batch_info& info) override {
    UniqueError error;
    sinkhost_status rc = library_->api().write(instance_, schema, batch.get(), &info, error.get());
    // `batch` releases here unless the plugin moved it out.
    return StatusFromAbi(rc, error, "write");
  }

  Status Flush() override {
    if (library_->api().flush == nullptr) return Status::OK();
    UniqueError error;
    sinkhost_status rc = library_->api().flush(instance_, error.get());
    return StatusFromAbi(rc, error, "flush");
  }

  Status Close() override {
    open_ = false;
    UniqueError error;
    sinkhost_status rc = library_->api().close(instance_, error.get());
    return StatusFromAbi(rc, error, "close");
  }

 private:
  std::shared_ptr<PluginLibrary> library_;
  void* const instance_;
  bool open_ = false;
};

}  // namespace

Status SinkInstance::Create(std::shared_ptr<PluginLibrary> library,
                            const std::map<std::string, std::string>& options,
                            std::unique_ptr<SinkInstance>* out) {
  AbiOptions opts(options);
  UniqueError error;
  void* instance = nullptr;
  sinkhost_status rc = library->api().create(opts.get(), &instance, error.get());
  if (rc != SINKHOST_OK)
    return StatusFromAbi(rc, error, "sink '" + library->info().name + "'");
  *out = std::make_unique<InProcessSink>(std::move(library), instance);
  return Status::OK();
}

}  // namespace sinkhost
