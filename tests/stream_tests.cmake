# Streaming execution (src/pipeline/stream.c): the same bytes as whole-frame
# execution for every built-in filter, chains, formats and thread counts;
# damaged input; and memory bounded by strips on a 100 MP conversion.
zp_add_test_program(test_stream test_stream.c)
target_link_libraries(test_stream PRIVATE m)
add_test(NAME stream.equivalence COMMAND test_stream)
set_tests_properties(stream.equivalence PROPERTIES TIMEOUT 600 LABELS stream)

zp_add_test_program(test_stream_memory test_stream_memory.c)
add_test(NAME stream.memory_100mp COMMAND test_stream_memory)
set_tests_properties(stream.memory_100mp PROPERTIES TIMEOUT 900 LABELS "stream;slow" RUN_SERIAL TRUE)
