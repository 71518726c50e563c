#define BOOST_TEST_MODULE catalogue_elementwise
#include <boost/test/unit_test.hpp>
