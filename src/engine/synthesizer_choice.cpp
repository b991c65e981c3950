#include "engine/synthesizer_choice.h"

#include <algorithm>

#include "engine/local_models.h"

namespace drux {

std::optional<std::size_t> StrongestMember(const std::vector<ModelSpec>& specs,
                                           const std::vector<Answer>& answers,
                                           const std::string& representative) {
  std::optional<std::size_t> strongest;
  const auto stronger = [&](std::size_t a, std::size_t b) {
    if (specs[a].price_output_per_mtok != specs[b].price_output_per_mtok) {
      return specs[a].price_output_per_mtok > specs[b].price_output_per_mtok;
    }
    return specs[a].name == representative && specs[b].name != representative;
  };
  for (std::size_t i = 0; i < specs.size() && i < answers.size(); ++i) {
    if (!answers[i].ok() || specs[i].provider == "replay") continue;
    if (!strongest || stronger(i, *strongest)) strongest = i;
  }
  return strongest;
}

Synthesizer MakeSynthesizer(const ModelSpec& spec, const std::vector<PanelMember>& members,
                            int progress_index, const ProgressSink& on_progress,
                            const std::atomic<bool>* cancel) {
  ModelSpec synthesizer = spec;
  if (synthesizer.provider == "local") {
    // Its own provider, for the longer context; the loaded weights are shared all the same.
    synthesizer.context_size = std::max(synthesizer.context_size, kLocalSynthesizerContext);
  } else {
    for (const PanelMember& member : members) {
      const ModelSpec& known = member.spec;
      const bool same = known.name == spec.name && known.provider == spec.provider &&
                        known.model == spec.model && known.endpoint == spec.endpoint;
      if (same && member.provider != nullptr) return {known, member.provider, std::nullopt};
    }
  }
  ProgressSink renumbered;
  if (on_progress) {
    renumbered = [&](const ProgressEvent& event) {
      ProgressEvent moved = event;
      moved.member = progress_index;
      on_progress(moved);
    };
  }
  std::vector<PanelMember> prepared =
      PreparePanelMembers(Panel{"synthesizer", {synthesizer}}, renumbered, cancel);
  PanelMember& member = prepared.front();
  return {member.spec, member.provider, member.creation_error};
}

}  // namespace drux
