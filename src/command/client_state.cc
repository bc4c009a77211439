// ClientState's signalled state: every change the session acts on passes through here.
#include "locknode/command/client_state.h"

namespace locknode::command {

void ClientState::SetProtocol(int resp_version) {
  resp_version_ = resp_version;
  if (signals_ != nullptr) signals_->ProtocolChanged(resp_version);
}

void ClientState::SetAuthenticated(bool authenticated) {
  if (authenticated_ == authenticated) return;
  authenticated_ = authenticated;
  if (signals_ != nullptr) signals_->AuthChanged(authenticated);
}

void ClientState::RequestClose() {
  if (close_after_reply_) return;
  close_after_reply_ = true;
  if (signals_ != nullptr) signals_->CloseAfterReply();
}

bool ClientState::CanEnter(SessionMode from, SessionMode to) {
  switch (from) {
    case SessionMode::kNormal:
      return to == SessionMode::kQueuing || to == SessionMode::kBlocked;
    case SessionMode::kQueuing:
    case SessionMode::kBlocked:
      return to == SessionMode::kNormal;
  }
  return false;
}

bool ClientState::EnterMode(SessionMode to, CommandQueue* queue) {
  if (!CanEnter(mode_, to) || (to == SessionMode::kQueuing && queue == nullptr)) return false;
  const SessionMode from = mode_;
  mode_ = to;
  queue_ = to == SessionMode::kQueuing ? queue : nullptr;
  if (signals_ != nullptr) signals_->ModeChanged(from, to);
  return true;
}

}  // namespace locknode::command
