"""OneCycleLR's rate and momentum before each step, for every variant, written out from PyTorch 2.11's code.

A line-by-line transcription of torch/optim/lr_scheduler.py (OneCycleLR.__init__'s _schedule_phases and
get_lr, with _annealing_cos / _annealing_linear), run in plain Python floats as PyTorch runs it. It is not a
recording from PyTorch itself (pytorch/schedulers.json has only the default variant); it pins the phase
boundaries of the other variants. Run: python3 onecycle_get_lr.py > onecycle_get_lr.json
"""
import json
import math


def one_cycle(max_lr, total_steps, pct_start, anneal_strategy, three_phase,
              div_factor=25.0, final_div_factor=1e4, base_momentum=0.85, max_momentum=0.95):
    initial_lr = max_lr / div_factor
    min_lr = initial_lr / final_div_factor
    group = {"initial_lr": initial_lr, "max_lr": max_lr, "min_lr": min_lr,
             "max_momentum": max_momentum, "base_momentum": base_momentum}
    if three_phase:
        phases = [
            {"end_step": float(pct_start * total_steps) - 1, "start_lr": "initial_lr", "end_lr": "max_lr",
             "start_momentum": "max_momentum", "end_momentum": "base_momentum"},
            {"end_step": float(2 * pct_start * total_steps) - 2, "start_lr": "max_lr", "end_lr": "initial_lr",
             "start_momentum": "base_momentum", "end_momentum": "max_momentum"},
            {"end_step": total_steps - 1, "start_lr": "initial_lr", "end_lr": "min_lr",
             "start_momentum": "max_momentum", "end_momentum": "max_momentum"},
        ]
    else:
        phases = [
            {"end_step": float(pct_start * total_steps) - 1, "start_lr": "initial_lr", "end_lr": "max_lr",
             "start_momentum": "max_momentum", "end_momentum": "base_momentum"},
            {"end_step": total_steps - 1, "start_lr": "max_lr", "end_lr": "min_lr",
             "start_momentum": "base_momentum", "end_momentum": "max_momentum"},
        ]

    def anneal(start, end, pct):
        if anneal_strategy == "cos":
            cos_out = math.cos(math.pi * pct) + 1
            return end + (start - end) / 2.0 * cos_out
        return (end - start) * pct + start

    rates, momenta = [], []
    for step_num in range(total_steps):
        start_step = 0.0
        for i, phase in enumerate(phases):
            end_step = phase["end_step"]
            if step_num <= end_step or i == len(phases) - 1:
                pct = (step_num - start_step) / (end_step - start_step)
                rates.append(anneal(group[phase["start_lr"]], group[phase["end_lr"]], pct))
                momenta.append(anneal(group[phase["start_momentum"]], group[phase["end_momentum"]], pct))
                break
            start_step = phase["end_step"]
    return rates, momenta


cases = []
for strategy in ["cos", "linear"]:
    for three_phase in [False, True]:
        for pct_start in [0.3, 0.25, 0.45]:
            rates, momenta = one_cycle(1.0, 60, pct_start, strategy, three_phase)
            cases.append({
                "scheduler": f"OneCycleLR(max_lr=1.0, total_steps=60, pct_start={pct_start}, "
                             f"anneal_strategy='{strategy}', three_phase={three_phase})",
                "max_lr": 1.0, "total_steps": 60, "pct_start": pct_start,
                "anneal_strategy": strategy, "three_phase": three_phase,
                "lr_before_each_step": rates,
                "momentum_before_each_step": momenta,
            })
print(json.dumps({"source": "torch/optim/lr_scheduler.py OneCycleLR.get_lr (PyTorch 2.11), transcribed", "cases": cases}))
