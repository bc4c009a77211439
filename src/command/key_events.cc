#include "locknode/command/key_events.h"

#include <algorithm>

namespace locknode::command {

KeyEvents::~KeyEvents() { keyspace_.set_observer(nullptr); }

void KeyEvents::Subscribe(KeyListener* listener) {
  if (std::find(listeners_.begin(), listeners_.end(), listener) != listeners_.end()) return;
  listeners_.push_back(listener);
  Settle();
}

void KeyEvents::Unsubscribe(KeyListener* listener) {
  const auto it = std::find(listeners_.begin(), listeners_.end(), listener);
  if (it == listeners_.end()) return;
  *it = nullptr;
  Settle();
}

void KeyEvents::Settle() {
  if (dispatching_ > 0) return;  // the dispatch settles when it returns
  std::erase(listeners_, nullptr);
  keyspace_.set_observer(listeners_.empty() ? nullptr : this);
}

void KeyEvents::OnKeyChanged(std::string_view key, keyspace::KeyChange change) {
  ++dispatching_;
  // By index: a listener may subscribe another one (push_back) while it is being called.
  for (size_t i = 0; i < listeners_.size(); ++i) {
    if (listeners_[i] != nullptr) listeners_[i]->OnKeyChanged(key, change);
  }
  --dispatching_;
  Settle();
}

void KeyEvents::OnFlush() {
  ++dispatching_;
  for (size_t i = 0; i < listeners_.size(); ++i) {
    if (listeners_[i] != nullptr) listeners_[i]->OnFlush();
  }
  --dispatching_;
  Settle();
}

}  // namespace locknode::command
