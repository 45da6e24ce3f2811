# zarrphase_set_warnings(target): the warning set every target of ours compiles with.
function(zarrphase_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                           -Wno-sign-conversion)
  # GCC 12 reports -Wrestrict on plain std::string concatenation at -O3 (GCC bug 105651).
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
  if(ZARRPHASE_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
