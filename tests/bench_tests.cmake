# Benchmarks are run by hand (bench/README.md); their quick modes run here
# so they keep building and working. bench_kernels --quick also fails when
# a SIMD level gives other bytes than plain C.
if(TARGET bench_kernels)
  add_test(NAME bench.kernels.quick COMMAND bench_kernels --quick)
  set_tests_properties(bench.kernels.quick PROPERTIES TIMEOUT 300 LABELS bench)
endif()
