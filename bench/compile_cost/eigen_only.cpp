// Baseline translation unit: Eigen/Core alone.
#include <Eigen/Core>
int main() { return 0; }
