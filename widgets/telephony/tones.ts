/**
 * Call tones made with Web Audio (nothing to download): the ringback a caller
 * hears while an agent's phone rings, the ring of an incoming call, and key
 * beeps. Browsers only allow sound after a user gesture; a call starts with
 * one, and when sound is blocked the visual state remains.
 */
let context: AudioContext | undefined;

function audio(): AudioContext | undefined {
  try {
    context ??= new AudioContext();
    if (context.state === 'suspended') void context.resume();
    return context;
  } catch {
    return undefined;
  }
}

function beep(frequencies: number[], start: number, duration: number, volume = 0.08) {
  const ctx = audio();
  if (!ctx) return;
  const gain = ctx.createGain();
  gain.gain.setValueAtTime(0.0001, ctx.currentTime + start);
  gain.gain.exponentialRampToValueAtTime(volume, ctx.currentTime + start + 0.02);
  gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + start + duration);
  gain.connect(ctx.destination);
  for (const frequency of frequencies) {
    const osc = ctx.createOscillator();
    osc.frequency.value = frequency;
    osc.connect(gain);
    osc.start(ctx.currentTime + start);
    osc.stop(ctx.currentTime + start + duration + 0.02);
  }
}

/** Repeats a tone pattern until the returned function is called. */
function repeat(pattern: () => void, everyMs: number): () => void {
  pattern();
  const timer = setInterval(pattern, everyMs);
  return () => clearInterval(timer);
}

/** The caller's ringback (440 + 480 Hz, 2 s on, 4 s off). */
export const ringback = () => repeat(() => beep([440, 480], 0, 2, 0.05), 6000);

/** An incoming call: two short rings every 3 s. */
export const ring = () =>
  repeat(() => {
    beep([880], 0, 0.25, 0.12);
    beep([660], 0.35, 0.25, 0.12);
  }, 3000);

/** The key-press feedback of a DTMF digit (its two frequencies, ITU-T Q.23). */
export function keyTone(digit: string) {
  const rows: Record<string, number> = { '1': 697, '2': 697, '3': 697, '4': 770, '5': 770, '6': 770, '7': 852, '8': 852, '9': 852, '*': 941, '0': 941, '#': 941 };
  const cols: Record<string, number> = { '1': 1209, '4': 1209, '7': 1209, '*': 1209, '2': 1336, '5': 1336, '8': 1336, '0': 1336, '3': 1477, '6': 1477, '9': 1477, '#': 1477 };
  if (rows[digit] && cols[digit]) beep([rows[digit]!, cols[digit]!], 0, 0.12, 0.05);
}

/** What a caller on hold hears: a soft four-note phrase every 2.4 s, so they know the line is alive. */
export const holdMusic = () =>
  repeat(() => {
    for (const [i, frequency] of [523.25, 659.25, 783.99, 659.25].entries()) beep([frequency], i * 0.5, 0.45, 0.03);
  }, 2400);
