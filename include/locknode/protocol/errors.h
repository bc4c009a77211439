#pragma once

#include <string_view>

// Redis 7's exact error texts, without the leading '-' (ReplySink::Error adds it on the wire).
// Clients match on these (redis-py maps the first word to an exception, ioredis and go-redis
// match whole texts), so they are copied byte for byte from redis-server 7.0.15 (COMPAT.md §3).
namespace locknode::protocol {

// Protocol (then close the connection).
inline constexpr std::string_view kErrProtoInvalidMultibulk =
    "ERR Protocol error: invalid multibulk length";
inline constexpr std::string_view kErrProtoInvalidBulk = "ERR Protocol error: invalid bulk length";
inline constexpr std::string_view kErrProtoUnbalancedQuotes =
    "ERR Protocol error: unbalanced quotes in request";
inline constexpr std::string_view kErrProtoTooBigInline =
    "ERR Protocol error: too big inline request";
inline constexpr std::string_view kErrProtoTooBigMbulkCount =
    "ERR Protocol error: too big mbulk count string";
inline constexpr std::string_view kErrProtoTooBigBulkCount =
    "ERR Protocol error: too big bulk count string";
inline constexpr std::string_view kErrProtoUnauthMultibulk =
    "ERR Protocol error: unauthenticated multibulk length";
inline constexpr std::string_view kErrProtoUnauthBulk =
    "ERR Protocol error: unauthenticated bulk length";
// "ERR Protocol error: expected '$', got '%c'" is built by the parser.

// Generic command errors.
inline constexpr std::string_view kErrSyntax = "ERR syntax error";
inline constexpr std::string_view kErrNotInteger = "ERR value is not an integer or out of range";
inline constexpr std::string_view kErrWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
inline constexpr std::string_view kErrDbIndex = "ERR DB index is out of range";
inline constexpr std::string_view kErrNoAuth = "NOAUTH Authentication required.";
// Redis shared.oomerr: a denyoom command while used memory is over maxmemory.
inline constexpr std::string_view kErrOom =
    "OOM command not allowed when used memory > 'maxmemory'.";
inline constexpr std::string_view kErrWrongPass =
    "WRONGPASS invalid username-password pair or user is disabled.";
inline constexpr std::string_view kErrAuthNoPassword =
    "ERR AUTH <password> called without any password configured for the default user. Are you "
    "sure your configuration is correct?";
inline constexpr std::string_view kErrNoProto = "NOPROTO unsupported protocol version";
inline constexpr std::string_view kErrHelloProtoNotInteger =
    "ERR Protocol version is not an integer or out of range";
inline constexpr std::string_view kErrHelloNoAuth =
    "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH "
    "<user> <pass> option can be used to authenticate the client and select the RESP protocol "
    "version at the same time";
inline constexpr std::string_view kErrClientName =
    "ERR Client names cannot contain spaces, newlines or special characters.";
inline constexpr std::string_view kErrNoScript = "NOSCRIPT No matching script. Please use EVAL.";
inline constexpr std::string_view kErrMaxClients = "ERR max number of clients reached";

// Expire family.
inline constexpr std::string_view kErrExpireNxXxGtLt =
    "ERR NX and XX, GT or LT options at the same time are not compatible";
inline constexpr std::string_view kErrExpireGtLt =
    "ERR GT and LT options at the same time are not compatible";

}  // namespace locknode::protocol

// Command-family errors built around user input (command module).
namespace locknode::protocol {
// Followed by the option as sent: "ERR Unsupported option foo" (Redis expire.c).
inline constexpr std::string_view kErrUnsupportedOptionPrefix = "ERR Unsupported option ";
}  // namespace locknode::protocol
