// Local members that name a catalog model get their model file before the panel runs.
#pragma once

#include <atomic>
#include <vector>

#include "core/model_spec.h"
#include "runner/panel_run.h"
#include "runner/progress.h"

namespace drux {

// The panel's members, ready to run: a "local" member naming a catalog model is pointed at
// its file in the models directory, which is downloaded first when missing (reported as
// kDownloading events). A member whose file cannot be had becomes a member that fails with
// the download's own error; the others still run.
std::vector<PanelMember> PreparePanelMembers(const Panel& panel, const ProgressSink& on_progress,
                                             const std::atomic<bool>* cancel);

}  // namespace drux
