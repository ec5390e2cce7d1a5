# JPEG codec and EXIF helpers. test_jpeg runs one group per CTest entry so a
# failure names the area; libjpeg-turbo itself is the oracle.
zp_add_test_program(test_jpeg test_jpeg.c)
target_link_libraries(test_jpeg PRIVATE m)
foreach(group decode readinto encode exif metadata errors)
  add_test(NAME jpeg_${group} COMMAND test_jpeg ${group})
  set_tests_properties(jpeg_${group} PROPERTIES
    WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR} SKIP_RETURN_CODE 77)
endforeach()

zp_add_test_program(test_exif test_exif.c)
add_test(NAME exif_blob COMMAND test_exif)
set_tests_properties(exif_blob PROPERTIES SKIP_RETURN_CODE 77)

# Threaded Huffman decoding of 1/8- and 1/4-size decodes
# (src/codec/jpeg_parallel.c): libjpeg's pixels on any thread count; damaged
# data as on one thread. The records hold only the coefficients libjpeg's
# scaled IDCTs read, so clean runs again on libjpeg-turbo's C IDCTs.
zp_add_test_program(test_jpeg_parallel test_jpeg_parallel.c)
foreach(group clean damaged)
  add_test(NAME jpeg_parallel.${group} COMMAND test_jpeg_parallel ${group})
  set_tests_properties(jpeg_parallel.${group} PROPERTIES WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
endforeach()
add_test(NAME jpeg_parallel.clean_nosimd COMMAND test_jpeg_parallel clean)
set_tests_properties(jpeg_parallel.clean_nosimd PROPERTIES
  WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR} ENVIRONMENT JSIMD_FORCENONE=1)
