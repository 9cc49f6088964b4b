# Strict warnings for our own targets only; Debian's headers are included as system headers.
function(tcplab_strict_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wshadow -Wnon-virtual-dtor)
endfunction()
