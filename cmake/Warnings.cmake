# Strict warnings for our own targets only; Debian's headers are included as system headers.
function(tcplab_strict_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wshadow -Wnon-virtual-dtor)
  if(TCPLAB_SANITIZE)
    # GCC 12 warns about libstdc++'s own <regex> and <functional> internals once
    # AddressSanitizer instruments them; those are false positives.
    target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized)
  endif()
endfunction()
