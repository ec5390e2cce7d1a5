# expect_failure.cmake: passes when a command FAILS (non-zero status or a
# signal such as SIGABRT from a sanitizer): the replay self-tests use it to
# show that a crashing input fails its test. CTest's WILL_FAIL cannot do
# this, since a test killed by a signal counts as failed whatever it says.
#   cmake -DCMD="prog;arg;..." [-DEXPECT=regex] -P expect_failure.cmake
if(NOT CMD)
  message(FATAL_ERROR "expect_failure.cmake: CMD is not set")
endif()
execute_process(COMMAND ${CMD} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("exit: ${rc}\n${err}")
if(rc STREQUAL "0")
  message(FATAL_ERROR "expected a failure, but the command succeeded: ${CMD}")
endif()
if(EXPECT AND NOT "${out}${err}" MATCHES "${EXPECT}")
  message(FATAL_ERROR "the command failed, but without '${EXPECT}' in its output")
endif()
