# The point kernel family: each SIMD level's table against the plain C one
# (kernels.point.sse4|avx2|avx512; skipped where the CPU lacks the level or
# the family overrides nothing at it).
zp_add_test_program(test_kernels_point test_kernels_point.c)
target_link_libraries(test_kernels_point PRIVATE m)
zp_add_kernel_tests(point test_kernels_point)
