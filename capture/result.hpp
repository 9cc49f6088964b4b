#pragma once
// Errors are values: library code returns Result<T> and the program decides
// what to show. Nothing in capture/ or scenarios/ calls exit().
//
// Every layer returns errors this way (capture/, scenarios/ and lab/ include
// it); it lives in capture/ because that is the lowest layer, which all others
// may include and which may include nothing of theirs.
#include <cassert>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace tcplab {

// A known cause of an error, as the language files word it: "<key>.what"
// and "<key>.fix", with `values` in their placeholders, in order.
struct ErrorCause {
    std::string key;
    std::vector<std::string> values = {};
};

struct Error {
    std::string what;    // what went wrong, in plain words (English)
    std::string remedy;  // what the user can run or change to fix it; may be empty
    // When set, the program shows these causes' words in the user's language
    // instead (lab/i18n.hpp, translated()); what and remedy say the same in English.
    std::vector<ErrorCause> causes = {};
};

template <class T>
class Result {
public:
    Result(T value) : storage_(std::move(value)) {}
    Result(Error error) : storage_(std::move(error)) {}

    bool ok() const { return std::holds_alternative<T>(storage_); }
    explicit operator bool() const { return ok(); }

    T& value() {
        assert(ok());
        return std::get<T>(storage_);
    }
    const T& value() const {
        assert(ok());
        return std::get<T>(storage_);
    }
    T& operator*() { return value(); }
    T* operator->() { return &value(); }
    const Error& error() const {
        assert(!ok());
        return std::get<Error>(storage_);
    }

private:
    std::variant<T, Error> storage_;
};

// For operations that return nothing on success.
struct Done {};
using Status = Result<Done>;

}  // namespace tcplab
