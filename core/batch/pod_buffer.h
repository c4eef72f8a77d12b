// SPDX-FileCopyrightText: 2026 The sinkhost authors
// SPDX-License-Identifier: Apache-2.0

// PodBuffer<T>: a growable array of a trivially copyable T, the storage of
// ColumnBuilder's Arrow buffers. It does what std::vector does for them,
// minus what costs on the ingest hot path: appending a few bytes is an
// inline capacity check and a memcpy (std::vector::insert is an out-of-line
// generic insert), growth is geometric and never value-initialises the
// slack, and the buffer keeps its capacity when cleared or shrunk, so a
// batch that is cleared and refilled stops allocating after warm-up.
//
// Thread safety: none; owned by one ColumnBuilder.
#ifndef SINKHOST_CORE_BATCH_POD_BUFFER_H_
#define SINKHOST_CORE_BATCH_POD_BUFFER_H_

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

namespace sinkhost {

template <typename T>
class PodBuffer {
  static_assert(std::is_trivially_copyable_v<T>, "PodBuffer holds trivially copyable values");

 public:
  PodBuffer() = default;
  ~PodBuffer() { std::free(data_); }
  PodBuffer(const PodBuffer& other) { append(other.data_, other.size_); }
  PodBuffer& operator=(const PodBuffer& other) {
    if (this != &other) {
      size_ = 0;
      append(other.data_, other.size_);
    }
    return *this;
  }
  PodBuffer(PodBuffer&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)),
        size_(std::exchange(other.size_, 0)),
        capacity_(std::exchange(other.capacity_, 0)) {}
  PodBuffer& operator=(PodBuffer&& other) noexcept {
    if (this != &other) {
      std::free(data_);
      data_ = std::exchange(other.data_, nullptr);
      size_ = std::exchange(other.size_, 0);
      capacity_ = std::exchange(other.capacity_, 0);
    }
    return *this;
  }

  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  bool empty() const { return size_ == 0; }
  T* data() { return data_; }
  const T* data() const { return data_; }
  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }
  T& back() { return data_[size_ - 1]; }
  const T& back() const { return data_[size_ - 1]; }

  void clear() { size_ = 0; }
  void reserve(size_t n) {
    if (n > capacity_) Reallocate(n);
  }
  // Grows with new elements set to `fill`, or shrinks (keeping capacity).
  void resize(size_t n, T fill = T()) {
    if (n > size_) {
      if (n > capacity_) Grow(n);
      for (size_t i = size_; i < n; ++i) data_[i] = fill;
    }
    size_ = n;
  }
  void assign(size_t n, T fill) {
    size_ = 0;
    resize(n, fill);
  }
  void push_back(T v) {
    if (size_ == capacity_) Grow(size_ + 1);
    data_[size_++] = v;
  }
  void append(const T* values, size_t n) {
    if (n == 0) return;
    if (capacity_ - size_ < n) Grow(size_ + n);
    std::memcpy(data_ + size_, values, n * sizeof(T));
    size_ += n;
  }
  // Makes room for `n` more and returns where they go; the caller writes
  // all of them.
  T* extend(size_t n) {
    if (capacity_ - size_ < n) Grow(size_ + n);
    T* at = data_ + size_;
    size_ += n;
    return at;
  }

 private:
  void Grow(size_t at_least) {
    size_t n = capacity_ < 8 ? 16 : capacity_ * 2;
    if (n < at_least) n = at_least;
    Reallocate(n);
  }
  void Reallocate(size_t n) {
    void* p = std::realloc(data_, n * sizeof(T));
    if (p == nullptr) throw std::bad_alloc();
    data_ = static_cast<T*>(p);
    capacity_ = n;
  }

  T* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace sinkhost

#endif  // SINKHOST_CORE_BATCH_POD_BUFFER_H_
