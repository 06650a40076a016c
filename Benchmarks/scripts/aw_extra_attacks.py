#!/usr/bin/env python3
"""Runs ../shared/bench/awbench.py with extra attacks registered (the shared file is not modified).

Extra attacks: speed_{m,p}{1,3,5}pct (resampling: time+pitch), tempo_{m,p}{2,5}pct (ffmpeg atempo),
pitch_{m,p}1st (±1 semitone, duration kept: asetrate+aresample+atempo), opus_16k, lowpass/telephone.
Usage: same arguments as awbench.py.
"""
import os
import sys
sys.path.insert(0, os.environ.get('SIGIL_SHARED', os.path.join(os.path.dirname(__file__), '../../../shared')) + '/bench')
import awbench as A

X = {}
for p in (1, 3, 5):
    X[f'speed_p{p}pct'] = A.array_attack(A.speed(1 + p / 100))
    X[f'speed_m{p}pct'] = A.array_attack(A.speed(1 - p / 100))
for p in (2, 5):
    X[f'tempo_p{p}pct'] = A.ffilter(f'atempo={1 + p / 100}')
    X[f'tempo_m{p}pct'] = A.ffilter(f'atempo={1 - p / 100}')
st = 2 ** (1 / 12)
X['pitch_p1st'] = A.ffilter(f'asetrate={A.SR * st:.3f},aresample={A.SR},atempo={1 / st:.6f}')
X['pitch_m1st'] = A.ffilter(f'asetrate={A.SR / st:.3f},aresample={A.SR},atempo={st:.6f}')
X['opus_16k'] = A.codec_roundtrip(['-c:a', 'libopus', '-b:a', '16k'], 'opus')
X['aac_128k'] = A.ATTACKS['aac_128k']
X['telephone'] = A.ffilter('highpass=f=300:poles=2,highpass=f=300:poles=2,lowpass=f=3400:poles=2,lowpass=f=3400:poles=2')
A.EXTRA_ATTACKS.update(X)
A.ALL_ATTACKS.update(X)

if __name__ == '__main__':
    A.main()
