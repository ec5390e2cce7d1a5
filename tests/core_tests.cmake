# Views, buffers and the copy; the generic decoder and encoder (through PNM).
zp_add_test_program(test_view test_view.c)
add_test(NAME view COMMAND test_view)
zp_add_test_program(test_codec_generic test_codec_generic.c)
add_test(NAME codec.generic COMMAND test_codec_generic ${CMAKE_CURRENT_BINARY_DIR}/codec_generic_work)

# Lifetime and bounds under valgrind too (the sanitizer build covers ASan).
find_program(ZP_VALGRIND valgrind)
if(ZP_VALGRIND AND NOT ZEROPIX_SANITIZE)
  add_test(NAME view.valgrind COMMAND ${ZP_VALGRIND} --quiet --error-exitcode=1 --leak-check=full
           --errors-for-leak-kinds=definite,indirect $<TARGET_FILE:test_view>)
  add_test(NAME codec.generic.valgrind COMMAND ${ZP_VALGRIND} --quiet --error-exitcode=1
           --leak-check=full --errors-for-leak-kinds=definite,indirect
           $<TARGET_FILE:test_codec_generic> ${CMAKE_CURRENT_BINARY_DIR}/codec_generic_valgrind_work)
  set_tests_properties(view.valgrind codec.generic.valgrind PROPERTIES TIMEOUT 300)
endif()

# How damaged an input may be (zp_decode_options.fail_on), every codec.
zp_add_test_program(test_fail_on test_fail_on.c)
add_test(NAME codec.fail_on COMMAND test_fail_on)

# The cache of freed large pixel blocks (src/core/buffer.c), and its off switch.
zp_add_test_program(test_buffer_cache test_buffer_cache.c)
add_test(NAME buffer_cache COMMAND test_buffer_cache)
add_test(NAME buffer_cache.off COMMAND test_buffer_cache off)
set_tests_properties(buffer_cache buffer_cache.off PROPERTIES SKIP_RETURN_CODE 77)
set_tests_properties(buffer_cache.off PROPERTIES ENVIRONMENT ZEROPIX_BUFFER_CACHE=0)
