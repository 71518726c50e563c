// Eigen/Core + xloss, nothing instantiated: the include cost of xloss.
#include <Eigen/Core>
#include <xloss/xloss.hpp>
int main() { return 0; }
