#include "eval/reliability_plot.h"

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace drux::eval {
namespace {

// gnuplot strings are single-quoted; a quote inside is doubled.
std::string Quoted(const std::string& text) {
  std::string quoted = "'";
  for (const char c : text) {
    quoted += c;
    if (c == '\'') quoted += '\'';
  }
  return quoted + "'";
}

std::string Script(const std::vector<ReliabilityBin>& bins, const std::string& title,
                   const std::string& png_path) {
  std::string data;
  for (const ReliabilityBin& bin : bins) {
    if (bin.count == 0) continue;
    char row[128];
    std::snprintf(row, sizeof row, "%.3f %.4f %zu\n", bin.mean_score, bin.accuracy, bin.count);
    data += row;
  }
  return "set terminal pngcairo size 800,600\n"
         "set output " +
         Quoted(png_path) +
         "\n"
         "set title " +
         Quoted(title) +
         "\n"
         "set xlabel 'Consensus Score (bin mean)'\nset ylabel 'accuracy of the representative'\n"
         "set xrange [0:100]\nset yrange [0:1.05]\nset grid\nset key top left\n"
         "$bins << EOD\n" +
         data +
         "EOD\n"
         "plot $bins using 1:2 with linespoints pointtype 7 title 'accuracy per score bin', "
         "$bins using 1:2:(sprintf('%d', $3)) with labels offset 0,1 notitle, "
         "x/100 dashtype 2 title 'score = accuracy'\n";
}

}  // namespace

Expected<void> PlotReliability(const std::vector<ReliabilityBin>& bins, const std::string& title,
                               const std::string& png_path) {
  if (std::system("command -v gnuplot >/dev/null 2>&1") != 0) {
    return MakeError(ErrorCode::kNotFound,
                     "gnuplot is not installed, so no reliability plot was drawn; install it "
                     "(Debian: apt-get install gnuplot-nox) and run again.");
  }
  std::error_code ignored;
  std::filesystem::remove(png_path, ignored);
  // The script goes to gnuplot's standard input: no temporary file, no shell quoting.
  FILE* gnuplot = popen("gnuplot", "w");
  if (gnuplot == nullptr) return MakeError(ErrorCode::kInternal, "Cannot start gnuplot.");
  const std::string script = Script(bins, title, png_path);
  const bool written = std::fwrite(script.data(), 1, script.size(), gnuplot) == script.size();
  const int status = pclose(gnuplot);
  if (!written || status != 0 || !std::filesystem::exists(png_path)) {
    return MakeError(ErrorCode::kInternal, "gnuplot failed drawing " + png_path + " (exit status " +
                                               std::to_string(WEXITSTATUS(status)) + ").");
  }
  return {};
}

}  // namespace drux::eval
