# Views, buffers and the copy; the generic decoder and encoder (through PNM).
zp_add_test_program(test_view test_view.c)
add_test(NAME view COMMAND test_view)
zp_add_test_program(test_codec_generic test_codec_generic.c)
add_test(NAME codec.generic COMMAND test_codec_generic ${CMAKE_CURRENT_BINARY_DIR}/codec_generic_work)
