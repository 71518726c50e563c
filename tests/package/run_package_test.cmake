# cmake -P script behind the package_consumer test (see CMakeLists.txt).
# Inputs: BUILD_DIR, WORK_DIR, CONSUMER_DIR, CXX_COMPILER, GENERATOR, MAKE_PROGRAM.
cmake_minimum_required(VERSION 3.20)

# run(<step> <command>...): runs a command, echoing its output; stops the test
# with the step's name if the command fails.
function(run step)
  message(STATUS "package test: ${step}")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "package test: ${step} failed (${result})")
  endif()
endfunction()

set(prefix ${WORK_DIR}/prefix)
set(consumer_build ${WORK_DIR}/consumer-build)
# Start from nothing so that a file left by an earlier run cannot hide a
# header or config file the install no longer ships.
file(REMOVE_RECURSE ${WORK_DIR})

run("install into ${prefix}" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})

# The package registries are switched off so that xloss can only come from
# the scratch prefix.
run("configure the consumer" ${CMAKE_COMMAND} -S ${CONSUMER_DIR} -B ${consumer_build}
  -G ${GENERATOR} -DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}
  -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
  -DCMAKE_PREFIX_PATH=${prefix}
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
  -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF)

# Prove which xloss was found: its config file must be the installed one.
file(STRINGS ${consumer_build}/CMakeCache.txt xloss_dir REGEX "^xloss_DIR:")
string(REGEX REPLACE "^xloss_DIR:[A-Z]+=" "" xloss_dir "${xloss_dir}")
cmake_path(IS_PREFIX prefix "${xloss_dir}" NORMALIZE from_prefix)
if(NOT from_prefix)
  message(FATAL_ERROR "package test: the consumer found xloss in '${xloss_dir}', "
                      "not in the scratch prefix '${prefix}'")
endif()

run("build the consumer" ${CMAKE_COMMAND} --build ${consumer_build})
run("run the consumer" ${consumer_build}/consumer)
