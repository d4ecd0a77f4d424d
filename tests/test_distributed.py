"Data-parallel training through HF accelerate: two CPU processes (gloo) train one tiny run together."
import json, os, re, shutil, subprocess, sys
from pathlib import Path
import pytest

def test_two_cpu_processes(tmp_path):
    exe = shutil.which('memx-train')
    if exe is None: pytest.skip('memx-train is not installed (pip install -e .)')
    cmd = [sys.executable, '-m', 'accelerate.commands.launch', '--multi_gpu', '--num_processes', '2', '--num_cpu_threads_per_process', '1', '--num_machines', '1',
           '--mixed_precision', 'no', '--dynamo_backend', 'no', '--main_process_port', '29533', exe,
           f'runs={tmp_path}', 'name=ddp', 'phantom_images=40', 'train.epochs=2', 'train.bs=8', 'train.ckpt_every=5',
           'testbed.k=2', 'testbed.d=3', 'model={"block_out_channels": [16, 32, 32]}', '--quiet']
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env={**os.environ, 'OMP_NUM_THREADS': '1'})
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    steps = {int(m[0]): int(m[1]) for m in re.findall(r'\[rank (\d)/2\] ddp: (\d+) optimizer steps, last train loss ([0-9.]+)', r.stdout)}
    assert sorted(steps) == [0, 1] and steps[0] == steps[1] > 0, r.stdout   # both processes stepped together
    losses = [float(x) for x in re.findall(r'last train loss ([0-9.eE+-]+|nan|inf)', r.stdout)]
    assert len(losses) == 2 and all(l == l and l < 10 for l in losses), losses  # finite
    sums = re.findall(r'weight checksum ([0-9.eE+-]+)', r.stdout)
    assert len(sums) == 2 and sums[0] == sums[1], sums                         # DDP kept the replicas identical
    ck = tmp_path/'ddp'/'checkpoints'
    assert json.loads((ck/'latest.json').read_text())['epoch'] == 2
    assert [p.name for p in ck.glob('epoch_*')] == ['epoch_0002']              # one checkpoint, written once
    n_train = len(json.loads((tmp_path/'ddp'/'results'/'testbed.json').read_text())['source_idx'])
    assert n_train == 2
