// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

#include "gui/model/json_key_order.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace sinkhost::dashboard {

namespace {

// Nesting beyond this is not a stats document; stop rather than recurse on.
constexpr int kMaxDepth = 64;

class Scanner {
 public:
  explicit Scanner(const QByteArray& text) : s_(text) {}

  // At an object: follows `path` from `depth` on and fills `out` with the
  // keys of the object at its end.
  bool Follow(const QStringList& path, int depth, QStringList* out, bool* found) {
    if (depth > kMaxDepth || !Eat('{')) return false;
    SkipSpace();
    if (Eat('}')) return true;
    for (;;) {
      QString key;
      SkipSpace();
      if (!String(&key)) return false;
      SkipSpace();
      if (!Eat(':')) return false;
      SkipSpace();
      if (depth == path.size()) {
        out->append(key);
        *found = true;
        if (!SkipValue(depth + 1)) return false;
      } else if (!*found && key == path[depth] && Peek() == '{') {
        if (!Follow(path, depth + 1, out, found)) return false;
      } else if (!SkipValue(depth + 1)) {
        return false;
      }
      SkipSpace();
      if (Eat('}')) return true;
      if (!Eat(',')) return false;
    }
  }

  void SkipSpace() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r'))
      ++i_;
  }

 private:
  char Peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
  bool Eat(char c) {
    if (Peek() != c) return false;
    ++i_;
    return true;
  }

  // A string token; `decoded` gets its value with escapes resolved.
  bool String(QString* decoded) {
    const qsizetype start = i_;
    if (!Eat('"')) return false;
    while (i_ < s_.size() && s_[i_] != '"') i_ += s_[i_] == '\\' ? 2 : 1;
    if (!Eat('"')) return false;
    if (decoded != nullptr) {
      // Escapes are rare in names; let Qt's parser resolve them all.
      const QByteArray token = s_.mid(start, i_ - start);
      *decoded = QJsonDocument::fromJson("[" + token + "]").array().at(0).toString();
    }
    return true;
  }

  bool SkipValue(int depth) {
    if (depth > kMaxDepth) return false;
    SkipSpace();
    const char c = Peek();
    if (c == '"') return String(nullptr);
    if (c == '{' || c == '[') {
      const char close = c == '{' ? '}' : ']';
      ++i_;
      SkipSpace();
      if (Eat(close)) return true;
      for (;;) {
        SkipSpace();
        if (c == '{') {
          if (!String(nullptr)) return false;
          SkipSpace();
          if (!Eat(':')) return false;
        }
        if (!SkipValue(depth + 1)) return false;
        SkipSpace();
        if (Eat(close)) return true;
        if (!Eat(',')) return false;
      }
    }
    // A number, true, false or null.
    const qsizetype start = i_;
    while (i_ < s_.size() && QByteArrayView(",]} \t\r\n").indexOf(s_[i_]) < 0) ++i_;
    return i_ > start;
  }

  const QByteArray& s_;
  qsizetype i_ = 0;
};

}  // namespace

QStringList ObjectKeysInOrder(const QByteArray& json, const QStringList& path) {
  Scanner scanner(json);
  QStringList keys;
  bool found = false;
  scanner.SkipSpace();
  if (!scanner.Follow(path, 0, &keys, &found) || !found) return {};
  return keys;
}

}  // namespace sinkhost::dashboard
