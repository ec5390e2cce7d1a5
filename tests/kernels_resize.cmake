# The resize kernel family: each SIMD level's table against the plain C one
# (kernels.resize.sse4|avx2|avx512; skipped where the CPU lacks the level).
zp_add_test_program(test_kernels_resize test_kernels_resize.c)
target_link_libraries(test_kernels_resize PRIVATE m)
zp_add_kernel_tests(resize test_kernels_resize)
