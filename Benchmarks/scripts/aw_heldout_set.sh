#!/bin/sh
# Builds the audio watermark's held-out clip set (never used for tuning, decision 0104) into DIR (default
# Benchmarks/results/audio-watermark/heldout-clips, git-ignored): 44.1 kHz 16-bit stereo WAV, 20-30 s each.
# Run once; the clips are described in Benchmarks/results/audio-watermark/HELDOUT.md.
set -e
V=${SIGIL_SHARED:-$(dirname "$0")/../../../shared}/media/video
O=${1:-$(dirname "$0")/../results/audio-watermark/heldout-clips}
T=$(mktemp -d)
mkdir -p "$O"
STD="-ar 44100 -ac 2 -c:a pcm_s16le"
ff() { ffmpeg -nostdin -v error -y "$@"; }
# 1) audio tracks of the shared videos (each 7-10 s): decode, then concatenate in two orders
n=0
for f in "$V"/bbb_1280x720_24.mp4 "$V"/bbb_vertical_720x1280_24.mov "$V"/box_640x480_30.webm "$V"/cup_640x480_25.avi "$V"/titles_1920x1080_30.flv; do
  if ffprobe -v error -select_streams a -show_entries stream=index -of csv=p=0 "$f" | grep -q .; then
    n=$((n+1)); ff -i "$f" -vn $STD "$T/v$n.wav"
  fi
done
# h01: bbb + bbb_vertical + box (≈30 s); h02: cup + titles + box (≈25 s)
ff -i "$T/v1.wav" -i "$T/v2.wav" -i "$T/v3.wav" -filter_complex "[0:a][1:a][2:a]concat=n=3:v=0:a=1" $STD -t 30 "$O/h01_video_bbb_box.wav"
ff -i "$T/v4.wav" -i "$T/v5.wav" -i "$T/v3.wav" -filter_complex "[0:a][1:a][2:a]concat=n=3:v=0:a=1" $STD -t 30 "$O/h02_video_cup_titles_box.wav"
# 2) espeak-ng speech with pauses (English, Mandarin)
espeak-ng -v en-us -s 150 -g 12 -w "$T/en.wav" "The quick brown fox jumps over the lazy dog. [[ ]] Meanwhile, the committee reviewed seven proposals for the new library. Each one was read aloud, discussed, and voted on. After a short pause, the chair announced the results, and the audience applauded politely. Tomorrow, the work begins in earnest, with the first stones laid at dawn."
ff -i "$T/en.wav" -af "apad=pad_dur=2,aresample=44100" $STD -t 28 "$O/h03_speech_en_espeak.wav"
espeak-ng -v cmn -s 140 -g 15 -w "$T/zh.wav" "今天天气很好。我们一起去公园散步吧。公园里有很多花，红的，黄的，白的，非常漂亮。孩子们在草地上玩耍，老人们在树下下棋。傍晚的时候，我们回到家里，做了一顿丰盛的晚饭。"
ff -i "$T/zh.wav" -af "apad=pad_dur=2,aresample=44100" $STD -t 28 "$O/h04_speech_zh_espeak.wav"
# 3) synthetic music-like clips: chords with rhythmic envelopes
ff -f lavfi -i "aevalsrc='0.15*(sin(2*PI*220*t)+0.7*sin(2*PI*277.18*t)+0.6*sin(2*PI*329.63*t)+0.3*sin(2*PI*440*t))*(0.4+0.6*exp(-6*mod(t,0.5)))*(1+0.3*sin(2*PI*0.125*t))|0.15*(sin(2*PI*220*t)+0.7*sin(2*PI*293.66*t)+0.6*sin(2*PI*349.23*t)+0.3*sin(2*PI*110*t))*(0.4+0.6*exp(-6*mod(t+0.25,0.5)))':s=44100:d=24" $STD "$O/h05_synth_chords.wav"
ff -f lavfi -i "aevalsrc='0.2*sin(2*PI*(130.81*(1+0.5*lt(mod(t,4),2))+0*t)*t)*exp(-4*mod(t,0.25))+0.08*sin(2*PI*523.25*t+3*sin(2*PI*2*t))+0.05*(random(0)-0.5)*exp(-30*mod(t,0.5))':s=44100:d=22" $STD "$O/h06_synth_bass_lead_hat.wav"
rm -rf "$T"
