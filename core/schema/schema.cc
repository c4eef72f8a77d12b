// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "core/schema/schema.h"

#include <cstdlib>
#include <cstring>
#include <set>

namespace sinkhost {

Status Schema::Make(Kind kind, std::vector<Column> columns, Schema* out) {
  if (columns.empty()) return Status::InvalidArgument("a schema needs at least one column");
  std::set<std::string> seen;
  for (const Column& c : columns) {
    SINKHOST_RETURN_NOT_OK(ValidateIdentifier("column name", c.name));
    if (!seen.insert(c.name).second)
      return Status::InvalidArgument("column '" + c.name + "' is defined twice");
    const DefaultValue& d = c.default_value;
    bool ok = true;
    switch (c.type) {
      case ColumnType::kString: ok = std::holds_alternative<std::string>(d); break;
      case ColumnType::kInt64: ok = std::holds_alternative<int64_t>(d); break;
      case ColumnType::kFloat64: ok = std::holds_alternative<double>(d); break;
      case ColumnType::kBool: ok = std::holds_alternative<bool>(d); break;
      case ColumnType::kTimestamp:
        ok = std::holds_alternative<int64_t>(d) || std::holds_alternative<NowDefault>(d);
        break;
    }
    if (!ok && !std::holds_alternative<std::monostate>(d))
      return Status::InvalidArgument("column '" + c.name + "': default does not match type " +
                                     ColumnTypeName(c.type));
  }
  out->kind_ = kind;
  out->columns_ = std::move(columns);
  return Status::OK();
}

const Schema& Schema::Plausible() {
  static const Schema schema = [] {
    using T = ColumnType;
    // Order must match plausible_columns in schema.h.
    std::vector<Column> cols = {
        {"timestamp", T::kTimestamp, false, NowDefault{}},
        {"name", T::kString, false, {}},
        {"domain", T::kString, false, {}},
        {"url", T::kString, false, {}},
        {"hostname", T::kString, false, {}},
        {"pathname", T::kString, false, {}},
        {"referrer", T::kString, true, {}},
        {"screen_width", T::kInt64, true, {}},
        {"props", T::kString, false, std::string("{}")},
        {"revenue_amount", T::kFloat64, true, {}},
        {"revenue_currency", T::kString, true, {}},
        {"interactive", T::kBool, false, true},
        {"scroll_depth", T::kInt64, true, {}},
        {"engagement_time", T::kInt64, true, {}},
        {"user_agent", T::kString, true, {}},
        // Derived by the enrichment stage (core/enrich); NULL where it is off.
        {"browser", T::kString, true, {}},
        {"browser_version", T::kString, true, {}},
        {"operating_system", T::kString, true, {}},
        {"operating_system_version", T::kString, true, {}},
        {"screen_size", T::kString, true, {}},
        {"referrer_source", T::kString, true, {}},
        {"utm_medium", T::kString, true, {}},
        {"utm_source", T::kString, true, {}},
        {"utm_campaign", T::kString, true, {}},
        {"utm_content", T::kString, true, {}},
        {"utm_term", T::kString, true, {}},
        {"click_id_param", T::kString, true, {}},
        {"country_code", T::kString, true, {}},
        {"subdivision1_code", T::kString, true, {}},
        {"subdivision2_code", T::kString, true, {}},
        {"city_geoname_id", T::kInt64, true, {}},
        {"user_id", T::kInt64, true, {}},
        {"session_id", T::kInt64, true, {}},
    };
    Schema s;
    Status st = Make(Kind::kPlausible, std::move(cols), &s);
    if (!st.ok()) std::abort();  // a programming error in the table above
    return s;
  }();
  return schema;
}

int Schema::FindColumn(std::string_view name) const {
  for (size_t i = 0; i < columns_.size(); ++i)
    if (columns_[i].name == name) return static_cast<int>(i);
  return -1;
}

namespace {

// One allocation holds the children and the strings they point to.
struct ExportedSchema {
  std::vector<std::string> names;
  std::vector<ArrowSchema> children;
  std::vector<ArrowSchema*> child_ptrs;
};

void ReleaseChild(ArrowSchema* s) { s->release = nullptr; }

void ReleaseSchema(ArrowSchema* s) {
  auto* owned = static_cast<ExportedSchema*>(s->private_data);
  for (ArrowSchema& c : owned->children) {
    if (c.release != nullptr) c.release(&c);
  }
  delete owned;
  s->release = nullptr;
}

}  // namespace

void Schema::ExportToArrow(ArrowSchema* out) const {
  auto* owned = new ExportedSchema();
  owned->names.reserve(columns_.size());
  owned->children.resize(columns_.size());
  owned->child_ptrs.resize(columns_.size());
  for (size_t i = 0; i < columns_.size(); ++i) {
    owned->names.push_back(columns_[i].name);
    ArrowSchema& c = owned->children[i];
    std::memset(&c, 0, sizeof(c));
    c.format = ArrowFormat(columns_[i].type);  // static strings
    c.name = owned->names[i].c_str();
    c.flags = columns_[i].nullable ? ARROW_FLAG_NULLABLE : 0;
    c.release = &ReleaseChild;
    owned->child_ptrs[i] = &c;
  }
  std::memset(out, 0, sizeof(*out));
  out->format = "+s";
  out->name = "";
  out->n_children = static_cast<int64_t>(columns_.size());
  out->children = owned->child_ptrs.data();
  out->release = &ReleaseSchema;
  out->private_data = owned;
}

}  // namespace sinkhost
