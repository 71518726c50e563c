// The energy-based-model losses (issue 4; docs/catalogue-ebm.md).
#pragma once

#include <xloss/ebm/energy.hpp>
#include <xloss/ebm/hinge.hpp>
#include <xloss/ebm/log.hpp>
#include <xloss/ebm/lvq2_diff.hpp>
#include <xloss/ebm/lvq2_ratio.hpp>
#include <xloss/ebm/mce.hpp>
#include <xloss/ebm/mee.hpp>
#include <xloss/ebm/nll.hpp>
#include <xloss/ebm/perceptron.hpp>
#include <xloss/ebm/square_exp.hpp>
#include <xloss/ebm/square_square.hpp>
