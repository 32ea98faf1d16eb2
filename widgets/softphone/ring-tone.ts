/**
 * A short two-tone chime for new offers, synthesised with Web Audio (no file
 * to load). Browsers only allow sound after the agent interacted with the
 * page; signing in counts, and if sound is still blocked the visual alert
 * and the screen-reader announcement remain.
 */
let context: AudioContext | undefined;

export function chime() {
  try {
    context ??= new AudioContext();
    const now = context.currentTime;
    for (const [i, frequency] of [880, 660].entries()) {
      const osc = context.createOscillator();
      const gain = context.createGain();
      osc.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, now + i * 0.18);
      gain.gain.exponentialRampToValueAtTime(0.15, now + i * 0.18 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + i * 0.18 + 0.16);
      osc.connect(gain).connect(context.destination);
      osc.start(now + i * 0.18);
      osc.stop(now + i * 0.18 + 0.17);
    }
  } catch {
    // No audio here: the offer is still shown and announced.
  }
}
