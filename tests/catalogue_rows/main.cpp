#define BOOST_TEST_MODULE catalogue_rows
#include <boost/test/unit_test.hpp>
