#pragma once

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

#include <boost/system/error_code.hpp>

namespace locknode::net {

// A move-only `void(const error_code&, size_t)` callable kept inline, with no allocation: what
// the Poller's sockets hold for a pending read or write (std::function would allocate for a
// lambda that captures a shared_ptr, once per request). Callables larger than kCapacity bytes
// do not compile. Invoking it consumes it: Take() moves it out first, so the callable may start
// the next operation (which refills the slot it came from) while it runs.
class IoHandler {
 public:
  static constexpr size_t kCapacity = 32;

  IoHandler() = default;
  template <typename F, typename = std::enable_if_t<!std::is_same_v<std::decay_t<F>, IoHandler>>>
  explicit IoHandler(F&& f) {
    using Fn = std::decay_t<F>;
    static_assert(sizeof(Fn) <= kCapacity && alignof(Fn) <= alignof(std::max_align_t));
    static_assert(std::is_nothrow_move_constructible_v<Fn>);
    new (storage_) Fn(std::forward<F>(f));
    ops_ = &kOpsFor<Fn>;
  }
  IoHandler(IoHandler&& other) noexcept { MoveFrom(other); }
  IoHandler& operator=(IoHandler&& other) noexcept {
    if (this != &other) {
      Reset();
      MoveFrom(other);
    }
    return *this;
  }
  IoHandler(const IoHandler&) = delete;
  IoHandler& operator=(const IoHandler&) = delete;
  ~IoHandler() { Reset(); }

  explicit operator bool() const { return ops_ != nullptr; }
  // Moves the callable out, leaving this slot empty.
  IoHandler Take() { return std::move(*this); }
  void operator()(const boost::system::error_code& ec, size_t n) { ops_->invoke(storage_, ec, n); }
  void Reset() {
    if (ops_ != nullptr) ops_->destroy(storage_);
    ops_ = nullptr;
  }

 private:
  struct Ops {
    void (*invoke)(void*, const boost::system::error_code&, size_t);
    void (*move)(void* from, void* to);  // move-constructs into `to`, destroys `from`
    void (*destroy)(void*);
  };
  template <typename Fn>
  static constexpr Ops kOpsFor = {
      [](void* p, const boost::system::error_code& ec, size_t n) { (*static_cast<Fn*>(p))(ec, n); },
      [](void* from, void* to) {
        new (to) Fn(std::move(*static_cast<Fn*>(from)));
        static_cast<Fn*>(from)->~Fn();
      },
      [](void* p) { static_cast<Fn*>(p)->~Fn(); },
  };

  void MoveFrom(IoHandler& other) {
    if (other.ops_ == nullptr) return;
    other.ops_->move(other.storage_, storage_);
    ops_ = std::exchange(other.ops_, nullptr);
  }

  alignas(std::max_align_t) unsigned char storage_[kCapacity];
  const Ops* ops_ = nullptr;
};

}  // namespace locknode::net
