// The reliability plot of a score: accuracy per score bin, drawn with gnuplot.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "eval/metrics.h"

namespace drux::eval {

// Writes a PNG of bins (accuracy against mean score, each bin labelled with its count,
// the diagonal for reference) to png_path by running gnuplot. kNotFound when gnuplot is
// not installed (Debian: gnuplot-nox), kInternal when it fails; the message says which.
Expected<void> PlotReliability(const std::vector<ReliabilityBin>& bins, const std::string& title,
                               const std::string& png_path);

}  // namespace drux::eval
