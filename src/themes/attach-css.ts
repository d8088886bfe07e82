/**
 * Styles of the attachment chunks: the row of chosen files, the recorder, the emoji
 * picker, and files, images and voice in the conversation with the full-size image.
 */
import { v } from './base-css';

export const ATTACH_CSS = `
.tray{display:flex;flex-direction:column;gap:6px;padding:6px 12px 0;border-top:1px solid rgba(0,0,0,.08)}
.chosen{display:flex;gap:6px;overflow-x:auto;list-style:none;margin:0;padding:0}
.chosen li{position:relative;flex:none;display:flex;align-items:center;gap:6px;max-width:220px;padding:4px;padding-inline-end:30px;border:1px solid #c5cbd6;border-radius:8px;font-size:12px}
.chosen .label{display:flex;flex-direction:column;min-width:0}
.chosen img{width:40px;height:40px;object-fit:cover;border-radius:6px}
.chosen .icon-button{position:absolute;top:2px;inset-inline-end:2px;width:24px;height:24px}
.chosen .icon-button svg{width:16px;height:16px}
.name{overflow:hidden;text-overflow:ellipsis;white-space:nowrap;min-width:0}
.size{color:${v('mutedText')};white-space:nowrap}
.bubble .size{color:inherit}
.recorder{display:flex;gap:8px;align-items:center;flex-wrap:wrap;font-size:13px}
.recorder audio{height:36px;max-width:100%}
.recorder .rec{color:#b42318;font-weight:600}
.problem{color:#b42318;font-size:12px;margin:0}
.emoji{margin:0;min-width:0;border:0;display:grid;grid-template-columns:repeat(8,1fr);gap:2px;padding:6px 12px;border-top:1px solid rgba(0,0,0,.08)}
.emoji button{all:unset;cursor:pointer;font-size:20px;text-align:center;border-radius:6px;padding:2px}
.emoji button:hover{background:rgba(0,0,0,.06)}
.files{display:flex;flex-direction:column;gap:6px;margin-top:4px;white-space:normal}
.thumb{all:unset;cursor:zoom-in;display:block;border-radius:8px;overflow:hidden;line-height:0}
.thumb img{max-width:220px;max-height:220px;width:auto;height:auto;display:block}
.file{display:flex;gap:8px;align-items:baseline;flex-wrap:wrap}
.file a{color:inherit;font-weight:600}
.voice{display:flex;gap:6px;align-items:center}
.voice audio{height:36px;max-width:210px}
.upload{display:flex;flex-direction:column;gap:2px;font-size:12px}
.upload progress{width:100%;height:6px}
.viewer{position:absolute;inset:0;z-index:2;display:flex;flex-direction:column;background:rgba(0,0,0,.88);color:#fff}
.viewer .bar{display:flex;gap:12px;align-items:center;justify-content:space-between;padding:8px 12px}
.viewer .bar a{color:#fff}
.viewer img{flex:1;min-height:0;object-fit:contain;max-width:100%}
`;
