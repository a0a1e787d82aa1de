"""PyTorch reference for `metricopt bench speed`: the same training steps as the tfjs side.

Models, layer for layer as @metricopt/core's backbones with a 10-unit head:
  cnn: smallCnn()  conv 3x3 1->16 'same' + ReLU, FiLM(16), conv 3x3 16->32 'same' + ReLU,
       FiLM(32), max-pool 2, flatten, dense 6272->64 + ReLU, FiLM(64), dense 64->10
  mlp: mlpBackbone({ inputDim: 784, hidden: [256, 256] })  dense 784->256 + ReLU, FiLM(256),
       dense 256->256 + ReLU, FiLM(256), dense 256->10
FiLM is y = x * scale + shift per channel (scale ones, shift zeros). A step: batch 64 of fixed
seeded random inputs and labels, softmax cross-entropy (mean), Adam 1e-3, loss read back.

Protocol (one JSON object per line on stdin, one per line on stdout):
  {"op": "info"}                      -> {"ok": true, "torch": "1.13.1", "defaultThreads": 2, ...}
  {"op": "shapes", "model": "cnn"}     -> {"ok": true, "shapes": [[16, 1, 3, 3], [16], ...]} (parameters, in order)
  {"op": "run", "model": "cnn", "seconds": 3, "threads": 1, "minSteps": 2}
      -> {"ok": true, "steps": 17, "wallSeconds": 3.1, "cpuSeconds": 3.0, "firstStepSeconds": 0.2,
          "loss": 2.29, "threads": 1}
Errors come back as {"ok": false, "error": "..."}; the process ends when stdin closes.

    printf '{"op":"run","model":"cnn","seconds":2,"threads":1}\n' | python3 speed_reference.py
"""

import json
import sys
import time


def film(torch, channels):
    class FiLM(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = torch.nn.Parameter(torch.ones(channels))
            self.shift = torch.nn.Parameter(torch.zeros(channels))

        def forward(self, x):
            # NCHW: the channel axis is 1 for images, the last one for vectors.
            if x.dim() == 4:
                return x * self.scale.view(1, -1, 1, 1) + self.shift.view(1, -1, 1, 1)
            return x * self.scale + self.shift

    return FiLM()


def build(torch, name):
    nn = torch.nn
    if name == "cnn":
        model = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), film(torch, 16),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), film(torch, 32),
            nn.MaxPool2d(2), nn.Flatten(),
            nn.Linear(32 * 14 * 14, 64), nn.ReLU(), film(torch, 64),
            nn.Linear(64, 10),
        )
        return model, (64, 1, 28, 28)
    if name == "mlp":
        model = nn.Sequential(
            nn.Linear(784, 256), nn.ReLU(), film(torch, 256),
            nn.Linear(256, 256), nn.ReLU(), film(torch, 256),
            nn.Linear(256, 10),
        )
        return model, (64, 784)
    raise ValueError(f"model: expected 'cnn' or 'mlp', got {name!r}")


def run(torch, request):
    threads = int(request.get("threads", 1))
    torch.set_num_threads(threads)
    torch.manual_seed(int(request.get("seed", 1)))
    model, shape = build(torch, request.get("model", "cnn"))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.rand(*shape)
    y = torch.randint(0, 10, (shape[0],))

    def step():
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        return loss.item()

    # The first step allocates and picks kernels: timed apart, as on the tfjs side.
    first = time.perf_counter()
    loss = step()
    first_step = time.perf_counter() - first
    seconds = float(request.get("seconds", 3))
    min_steps = int(request.get("minSteps", 1))
    steps = 0
    wall0, cpu0 = time.perf_counter(), time.process_time()
    while steps < min_steps or time.perf_counter() - wall0 < seconds:
        loss = step()
        steps += 1
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    return {"ok": True, "steps": steps, "wallSeconds": wall, "cpuSeconds": cpu,
            "firstStepSeconds": first_step, "loss": loss, "threads": torch.get_num_threads()}


def main():
    try:
        import torch
    except Exception as error:  # the caller reports torch as missing
        print(json.dumps({"ok": False, "error": f"cannot import torch: {error}"}), flush=True)
        return
    default_threads = torch.get_num_threads()
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            if request.get("op") == "info":
                reply = {"ok": True, "torch": torch.__version__, "defaultThreads": default_threads,
                         "python": sys.version.split()[0],
                         "mkldnn": bool(torch.backends.mkldnn.is_available())}
            elif request.get("op") == "shapes":
                model, _ = build(torch, request.get("model", "cnn"))
                reply = {"ok": True, "shapes": [list(p.shape) for p in model.parameters()]}
            elif request.get("op") == "run":
                reply = run(torch, request)
            else:
                reply = {"ok": False, "error": f"op: expected 'info', 'shapes' or 'run', got {request.get('op')!r}"}
        except Exception as error:
            reply = {"ok": False, "error": f"{type(error).__name__}: {error}"}
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
