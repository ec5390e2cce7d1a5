# The SIMD dispatch mechanism (levels, cap, detector, table building) and
# the ZEROPIX_SIMD environment variable; the kernels themselves are tested
# per family by kernels_*.cmake.
zp_add_test_program(test_simd test_simd.c)
add_test(NAME simd.dispatch COMMAND test_simd)
foreach(level IN ITEMS none sse4 avx2)
  add_test(NAME simd.env.${level} COMMAND test_simd ${level})
  set_tests_properties(simd.env.${level} PROPERTIES ENVIRONMENT ZEROPIX_SIMD=${level})
endforeach()
