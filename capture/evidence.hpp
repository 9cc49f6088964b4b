#pragma once
// What decided a lesson's check, in words each language supplies. A check that
// saw "3 × SYN-ACK from the server" says so as a key in assets/lang
// (evidence.*) with its arguments, and the viewer's language makes the
// sentence (lab/i18n.hpp). Numbers, flags, states and socket calls read the
// same in every language and stay literal; a phrase inside a sentence ("from
// the server") is evidence of its own, so it is translated too.
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace tcplab {

struct Evidence {
    std::string key;             // "evidence.count"; empty for literal text
    std::string text;            // the literal text, when there is no key
    std::vector<Evidence> args;  // the key's {0}, {1}, ...

    static Evidence literal(std::string text) { return Evidence{{}, std::move(text), {}}; }

    // A key and its arguments, each evidence, text or a number.
    template <typename... Args>
    static Evidence of(std::string key, Args&&... args) {
        Evidence evidence{std::move(key), {}, {}};
        (evidence.args.push_back(argument(std::forward<Args>(args))), ...);
        return evidence;
    }

    bool empty() const { return key.empty() && text.empty(); }
    bool operator==(const Evidence&) const = default;

private:
    static Evidence argument(Evidence evidence) { return evidence; }
    static Evidence argument(std::string text) { return literal(std::move(text)); }
    static Evidence argument(const char* text) { return literal(text); }
    template <typename Number>
    requires std::is_arithmetic_v<Number>
    static Evidence argument(Number number) { return literal(std::to_string(number)); }
};

// What a recording keeps: compact JSON. Text that is not ours (a recording
// made before checks gave keys) comes back as a literal.
std::string encode_evidence(const Evidence& evidence);
Evidence decode_evidence(std::string_view text);

// The literal parts alone, joined: "3 · SYN-ACK · server" — for a reader that
// has no language files (an older tcplab opening a newer recording).
std::string evidence_plain_text(const Evidence& evidence);

}  // namespace tcplab
