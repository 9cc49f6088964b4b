#pragma once
// Errors in the terminal: "tcplab: what" and "  fix: remedy" on stderr, in
// the language the user chose (the causes the language files word), or in
// English until that language is known.
#include "capture/result.hpp"
#include "lab/i18n.hpp"

namespace tcplab {

// The language errors are printed in from now on (once --lang or the locale is read).
void set_error_language(const Language& language);
void print_error(const Error& error);

}  // namespace tcplab
