# fuzz_build.cmake: ZEROPIX_FUZZ=ON compiles everything (library included)
# with clang for libFuzzer: coverage instrumentation (fuzzer-no-link),
# AddressSanitizer and UndefinedBehaviorSanitizer, every report fatal. The
# fuzz_<target> programs themselves are defined in tests/fuzz_tests.cmake.
# Included from the top-level CMakeLists.txt before the library is defined,
# so that the flags reach it.
if(ZEROPIX_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "ZEROPIX_FUZZ needs clang (libFuzzer): configure with -DCMAKE_C_COMPILER=clang "
                        "or the 'fuzz' preset; the compiler is ${CMAKE_C_COMPILER_ID}")
  endif()
  if(NOT ZEROPIX_BUILD_TESTS)
    message(FATAL_ERROR "ZEROPIX_FUZZ needs ZEROPIX_BUILD_TESTS=ON (the targets live in tests/)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
                      -fno-omit-frame-pointer -g)
  add_link_options(-fsanitize=address,undefined)
endif()
