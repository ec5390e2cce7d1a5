# check_install.cmake: `cmake --install` of the python component into a
# temporary prefix, then the module imported from there (not from the build
# folder) and used once. Run with -DBUILD= -DPYTHON= -DDEST= -DWORK=.
file(REMOVE_RECURSE ${WORK})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD} --prefix ${WORK}/prefix --component python
                RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "install failed: ${rc}")
endif()
file(GLOB module ${WORK}/prefix/${DEST}/zeropix*.so)
if(NOT module)
  message(FATAL_ERROR "no zeropix module in ${WORK}/prefix/${DEST}")
endif()
execute_process(
  COMMAND ${CMAKE_COMMAND} -E env PYTHONPATH=${WORK}/prefix/${DEST}
          ${PYTHON} -c "import zeropix, sys; img = zeropix.new(4, 3); assert zeropix.__file__.startswith(sys.argv[1]), zeropix.__file__; assert memoryview(img).shape == (3, 4, 3); print('imported', zeropix.__file__)" ${WORK}/prefix
  WORKING_DIRECTORY ${WORK} # not the build folder, which holds a zeropix module too
  RESULT_VARIABLE rc)
file(REMOVE_RECURSE ${WORK})
if(rc)
  message(FATAL_ERROR "the installed module does not import: ${rc}")
endif()
