/**
 * The widget's styles, inside its shadow root: the page's CSS does not reach in (`all:
 * initial` stops inherited fonts and colours too) and these do not reach out. Themes set
 * the custom properties below on the element, e.g.
 * `ghost-chat { --ghost-chat-accent: #0a7; --ghost-chat-height: 420px }`.
 */
export const WIDGET_CSS = `
:host {
  all: initial;
  display: block;
  --gc-bg: var(--ghost-chat-background, Canvas);
  --gc-fg: var(--ghost-chat-text, CanvasText);
  --gc-accent: var(--ghost-chat-accent, #4338ca);
  --gc-accent-text: var(--ghost-chat-accent-text, #fff);
  --gc-muted: var(--ghost-chat-muted, color-mix(in srgb, var(--gc-fg) 60%, transparent));
  --gc-border: var(--ghost-chat-border, color-mix(in srgb, var(--gc-fg) 22%, transparent));
  --gc-radius: var(--ghost-chat-radius, 10px);
  color-scheme: light dark;
  font: 14px/1.45 var(--ghost-chat-font, system-ui, sans-serif);
  color: var(--gc-fg);
}
* { box-sizing: border-box; }
.chat {
  display: flex; flex-direction: column; height: var(--ghost-chat-height, 480px);
  background: var(--gc-bg); border: 1px solid var(--gc-border); border-radius: var(--gc-radius);
  overflow: hidden;
}
header { display: flex; align-items: center; gap: 8px; padding: 8px 12px; border-bottom: 1px solid var(--gc-border); }
h1 { flex: 1; margin: 0; font-size: 15px; font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
h2 { margin: 0 0 6px; font-size: 12px; font-weight: 600; color: var(--gc-muted); text-transform: uppercase; letter-spacing: .04em; }
button {
  font: inherit; cursor: pointer; border-radius: 6px; padding: 5px 12px;
  border: 1px solid var(--gc-border); background: transparent; color: inherit;
}
button.join, .composer button { background: var(--gc-accent); color: var(--gc-accent-text); border-color: var(--gc-accent); }
button:disabled { opacity: .5; cursor: default; }
button:focus-visible, input:focus-visible, select:focus-visible, ol:focus-visible, a:focus-visible {
  outline: 2px solid var(--gc-accent); outline-offset: 1px;
}
.banner { margin: 0; padding: 8px 12px; font-size: 13px; border-bottom: 1px solid var(--gc-border); background: color-mix(in srgb, var(--gc-accent) 9%, var(--gc-bg)); }
.banner.state-offline, .banner.state-ended, .banner.state-denied, .banner.state-failed { background: color-mix(in srgb, #d97706 16%, var(--gc-bg)); }
.outside { flex: 1; display: flex; flex-direction: column; align-items: center; justify-content: center; gap: 14px; padding: 24px; text-align: center; }
.outside p { margin: 0; max-width: 32em; font-size: 15px; }
.outside.state-ended p, .outside.state-denied p, .outside.state-failed p { color: #b45309; }
.outside button.join { padding: 8px 20px; font-size: 15px; }
.room { flex: 1; min-height: 0; display: grid; grid-template-columns: 1fr 170px; grid-template-rows: 1fr auto auto; }
.messages { position: relative; min-height: 0; }
ol { list-style: none; margin: 0; padding: 8px 12px; height: 100%; overflow-y: auto; }
.notice { margin: 6px 0; padding: 4px 8px; font-size: 12px; color: var(--gc-muted); text-align: center; border-top: 1px dashed var(--gc-border); border-bottom: 1px dashed var(--gc-border); }
.empty { color: var(--gc-muted); padding: 24px 0; text-align: center; }
.line { display: flex; gap: 8px; padding: 5px 0; }
.line.direct .body { border-left: 3px solid var(--gc-accent); padding-left: 6px; }
.line.mentioned { background: color-mix(in srgb, #f59e0b 14%, transparent); border-radius: 6px; }
.avatar {
  flex: none; width: 28px; height: 28px; border-radius: 50%; color: #fff;
  display: inline-flex; align-items: center; justify-content: center; font-size: 11px; font-weight: 700;
}
.avatar.small { width: 20px; height: 20px; font-size: 9px; }
.body { min-width: 0; flex: 1; }
.meta { display: flex; flex-wrap: wrap; align-items: baseline; gap: 6px; font-size: 12px; }
.name { font-weight: 600; }
time, .tag { color: var(--gc-muted); }
.delivery { color: #b45309; font-style: italic; }
.delivery.dropped { color: #b91c1c; }
.text { margin: 1px 0 0; white-space: pre-wrap; overflow-wrap: anywhere; }
a { color: var(--gc-accent); }
mark.mention { background: color-mix(in srgb, var(--gc-accent) 14%, transparent); color: inherit; border-radius: 3px; padding: 0 2px; }
mark.mention.you { background: color-mix(in srgb, #f59e0b 35%, transparent); font-weight: 600; }
.jump {
  position: absolute; bottom: 8px; left: 50%; transform: translateX(-50%);
  background: var(--gc-accent); color: var(--gc-accent-text); border-color: var(--gc-accent); box-shadow: 0 2px 6px rgb(0 0 0 / .25);
}
.members { border-left: 1px solid var(--gc-border); padding: 8px 10px; overflow-y: auto; }
.members ul { list-style: none; margin: 0; padding: 0; }
.members li { display: flex; align-items: center; gap: 6px; padding: 2px 0; font-size: 13px; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; }
.composer { grid-column: 1 / -1; display: flex; flex-wrap: wrap; gap: 6px; padding: 8px 12px; border-top: 1px solid var(--gc-border); }
.composer input { flex: 1; min-width: 120px; }
input, select { font: inherit; color: inherit; background: var(--gc-bg); border: 1px solid var(--gc-border); border-radius: 6px; padding: 5px 8px; }
select { max-width: 130px; }
.online { font-size: 12px; color: var(--gc-muted); }
.private { font-size: 12px; color: var(--gc-muted); white-space: nowrap; border: 1px solid var(--gc-border); border-radius: 999px; padding: 1px 8px; }
.reactions { display: flex; flex-wrap: wrap; gap: 4px; margin-top: 3px; }
.reactions button { padding: 0 7px; font-size: 12px; line-height: 20px; border-radius: 10px; }
.reaction.mine { background: color-mix(in srgb, var(--gc-accent) 16%, transparent); border-color: var(--gc-accent); }
.add-reaction { padding: 0 6px; font-size: 12px; line-height: 18px; border-radius: 9px; color: var(--gc-muted); opacity: 0; }
.line:hover .add-reaction, .line:focus-within .add-reaction, .add-reaction[aria-expanded="true"] { opacity: 1; }
.seen { margin: 2px 0 0; font-size: 11px; color: var(--gc-muted); }
.typing { grid-column: 1 / -1; margin: 0; padding: 0 12px; min-height: 18px; font-size: 12px; font-style: italic; color: var(--gc-muted); }
.members li.unlisted { color: var(--gc-muted); }
.problem { flex-basis: 100%; margin: 0; font-size: 12px; color: #b91c1c; }
@media (max-width: 480px) {
  .room { grid-template-columns: 1fr; }
  .members { display: none; }
}
`
