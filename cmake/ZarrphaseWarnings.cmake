# zarrphase_set_warnings(target): the warning set every target of ours compiles with.
function(zarrphase_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                           -Wno-sign-conversion)
  # GCC 12 at -O3 reports -Wrestrict / -Warray-bounds / -Wstringop-* inside libstdc++'s own
  # string and tuple code (GCC bugs 105651, 105329). Real bounds errors are caught by the
  # ASan+UBSan run in CI instead.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-restrict -Wno-array-bounds
                                             -Wno-stringop-overflow -Wno-stringop-overread)
  endif()
  if(ZARRPHASE_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
