# Fuzz targets (tests/fuzz/): each fuzz_<t>.c is a plain LLVMFuzzerTestOneInput
# file. In every build it is linked with the replay driver into replay_<t>,
# and CTest replays its committed corpus (tests/fuzz/corpus/<t>/: seeds and
# every crasher found, kept as regression inputs); the sanitize preset runs
# the same tests under ASan + UBSan. With ZEROPIX_FUZZ=ON (clang; the 'fuzz'
# preset) each is also a real libFuzzer program fuzz_<t> (target 'fuzzers');
# tests/fuzz/run_fuzz.sh runs them. See tests/fuzz/README.md.
set(ZP_FUZZ_DIR ${CMAKE_CURRENT_SOURCE_DIR}/fuzz)
set(ZP_FUZZ_TARGETS jpeg png pnm pipeline ops)

if(ZEROPIX_FUZZ)
  add_custom_target(fuzzers)
endif()
foreach(t IN LISTS ZP_FUZZ_TARGETS)
  zp_add_test_program(replay_${t} fuzz/fuzz_${t}.c fuzz/replay.c)
  add_test(NAME fuzz.replay.${t} COMMAND replay_${t} ${ZP_FUZZ_DIR}/corpus/${t})
  set_tests_properties(fuzz.replay.${t} PROPERTIES TIMEOUT 600 LABELS fuzz)
  if(ZEROPIX_FUZZ)
    zp_add_test_program(fuzz_${t} fuzz/fuzz_${t}.c)
    target_compile_options(fuzz_${t} PRIVATE -fsanitize=fuzzer)
    target_compile_definitions(fuzz_${t} PRIVATE ZP_FUZZ_LIBFUZZER=1)
    target_link_options(fuzz_${t} PRIVATE -fsanitize=fuzzer)
    add_dependencies(fuzzers fuzz_${t})
  endif()
endforeach()

# Uninitialised reads are invisible to ASan: every corpus also runs
# under valgrind in the plain build.
if(ZP_VALGRIND AND NOT ZEROPIX_SANITIZE AND NOT ZEROPIX_FUZZ)
  foreach(t IN LISTS ZP_FUZZ_TARGETS)
    add_test(NAME fuzz.replay.${t}.valgrind
             COMMAND ${ZP_VALGRIND} --quiet --error-exitcode=1 --leak-check=full
                     --errors-for-leak-kinds=definite,indirect
                     $<TARGET_FILE:replay_${t}> -q ${ZP_FUZZ_DIR}/corpus/${t})
    # libjpeg-turbo's SIMD colour conversion computes whole vectors over
    # row padding it never wrote; at 1/8 scale that reaches its output as
    # far as valgrind can tell (`valgrind djpeg -scale 1/8` reports it too;
    # the output is the same with JSIMD_FORCENONE=1). Its plain C path
    # keeps valgrind's eye on our own code.
    set_tests_properties(fuzz.replay.${t}.valgrind PROPERTIES TIMEOUT 900 LABELS fuzz
                         ENVIRONMENT JSIMD_FORCENONE=1)
  endforeach()
endif()

# The replay must be able to fail: a target that fails on purpose
# (fuzz/selftest.c) on a failing input must fail, as must a replay of
# nothing (an empty or mistyped corpus folder).
zp_add_test_program(replay_selftest fuzz/selftest.c fuzz/replay.c)
add_test(NAME fuzz.selftest.clean COMMAND replay_selftest ${ZP_FUZZ_DIR}/selftest/clean)
add_test(NAME fuzz.selftest.failed_check_fails
         COMMAND ${CMAKE_COMMAND} "-DCMD=$<TARGET_FILE:replay_selftest>;${ZP_FUZZ_DIR}/selftest/abort"
                 -DEXPECT=fuzz\ check\ failed -P ${ZP_FUZZ_DIR}/expect_failure.cmake)
if(ZEROPIX_SANITIZE OR ZEROPIX_FUZZ)
  add_test(NAME fuzz.selftest.overflow_fails
           COMMAND ${CMAKE_COMMAND} "-DCMD=$<TARGET_FILE:replay_selftest>;${ZP_FUZZ_DIR}/selftest/overflow"
                   -DEXPECT=heap-buffer-overflow -P ${ZP_FUZZ_DIR}/expect_failure.cmake)
  set_tests_properties(fuzz.selftest.overflow_fails PROPERTIES LABELS fuzz)
endif()
file(MAKE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/fuzz_empty_corpus)
add_test(NAME fuzz.selftest.empty_corpus_fails
         COMMAND replay_selftest ${CMAKE_CURRENT_BINARY_DIR}/fuzz_empty_corpus)
add_test(NAME fuzz.selftest.missing_corpus_fails
         COMMAND replay_selftest ${ZP_FUZZ_DIR}/corpus/no-such-target)
set_tests_properties(fuzz.selftest.empty_corpus_fails fuzz.selftest.missing_corpus_fails
                     PROPERTIES WILL_FAIL TRUE)
set_tests_properties(fuzz.selftest.clean fuzz.selftest.failed_check_fails
                     fuzz.selftest.empty_corpus_fails fuzz.selftest.missing_corpus_fails
                     PROPERTIES LABELS fuzz)

# The seed generator (not run by the build: its output is committed).
# Regenerate with: fuzz_gen_corpus tests/fuzz/corpus
zp_add_test_program(fuzz_gen_corpus fuzz/gen_corpus.c)
