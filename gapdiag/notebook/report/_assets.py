"""The report's inline stylesheet (screen and print) and its one script (table sorting).

Both are inlined in the page: the report opens from a mail attachment with no network.
The script only sorts tables; without it the page is complete, just unsorted.
"""

from __future__ import annotations

CSS = """
:root{--ink:#1d2733;--muted:#5b6670;--line:#d5dae0;--confirmed:#b03a2e;--suspected:#b9770e;
--unknown:#5d6d7e;--unlikely:#aab7b8;--good:#1e8449;--accent:#1f5f99}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);
margin:0 auto;max-width:1180px;padding:16px 20px}
h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.35em;border-bottom:2px solid var(--ink);
margin:1.6em 0 .4em;padding-bottom:.15em}h3{font-size:1.1em;margin:1.2em 0 .3em}
h4{margin:.6em 0 .2em}h5{margin:.5em 0 .1em;font-size:1em}
.muted,small{color:var(--muted)}
a{color:var(--accent)}
nav ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.4em 1.2em}
table{border-collapse:collapse;margin:.3em 0 .8em}
table.board,table.lines{width:100%}
tbody th{white-space:nowrap}
caption{text-align:left;font-weight:600;padding:.2em 0;color:var(--muted)}
th,td{padding:3px 8px;text-align:left;vertical-align:top;border-bottom:1px solid var(--line)}
th{background:#f3f5f7}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
tfoot th,tfoot td{border-top:2px solid var(--ink);font-weight:600}
th button{font:inherit;font-weight:600;background:none;border:0;padding:0;cursor:pointer;
color:var(--accent);text-align:inherit}
th button::after{content:" \\2195";color:var(--muted)}
th[aria-sort=ascending] button::after{content:" \\25B2"}
th[aria-sort=descending] button::after{content:" \\25BC"}
.cb{--c:var(--unknown);padding-left:90px;text-align:left!important;white-space:nowrap;background:linear-gradient(
90deg,var(--c) var(--w),#e5e8eb var(--w)) no-repeat 8px 50%/72px 10px}
.cb.confirmed{--c:var(--confirmed)}.cb.suspected{--c:var(--suspected)}
.cb.unlikely{--c:var(--unlikely)}.cb.count{--c:var(--accent)}
.st{font-weight:600;white-space:nowrap}
.st.confirmed{color:var(--confirmed)}.st.suspected{color:var(--suspected)}
.st.unknown{color:var(--unknown)}.st.unlikely{color:var(--muted);font-weight:400}
.ok{color:var(--good)}.off{color:var(--confirmed)}
.cause{border-left:4px solid var(--confirmed);padding:.2em .8em;margin:.5em 0;background:#fbf3f2}
.cause.missing{border-color:var(--unknown);background:#f4f6f7}
.cause p{margin:.2em 0}
.spark{vertical-align:middle;margin-right:4px}
.spark polyline{fill:none;stroke:var(--accent);stroke-width:1.6}
.spark circle{fill:var(--accent)}
.spark .goal{stroke:var(--good);stroke-dasharray:3 2}
.rep{border-top:1px solid var(--line);padding:.3em 0 .6em}
.rep h4 a{font-weight:400;font-size:.85em;margin-left:.8em}
.rep ul,.rep ol{margin:.2em 0 .2em 1.2em;padding:0}
.evidence li{margin:.15em 0}
.vd{margin:.2em 0}.vd b{white-space:nowrap}.vd .confirmed{color:var(--confirmed)}
.vd .suspected{color:var(--suspected)}.vd .unknown{color:var(--unknown)}
.vd .unlikely{color:var(--muted);font-weight:400}
.board td{text-align:right;font-variant-numeric:tabular-nums}
code{font-size:.9em}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:4px}
.rep:target{outline:3px solid var(--accent);outline-offset:2px}
@media print{
body{font-size:10pt;max-width:none;padding:0}
nav,.skip,.noprint{display:none}
th button{color:var(--ink)}th button::after{content:""}
a{color:inherit;text-decoration:none}
section.team{break-before:page}section.team:first-of-type{break-before:auto}
tr,.rep,.cause{break-inside:avoid}
thead{display:table-header-group}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
"""

JS = """
(function(){
function key(row,col){var c=row.cells[col];if(!c){return null;}
var v=c.getAttribute('data-v');return v===null?c.textContent:v;}
function sortBy(table,th,col){
var asc=th.getAttribute('aria-sort')!=='ascending';
var heads=table.tHead.rows[0].cells;
for(var i=0;i<heads.length;i++){heads[i].removeAttribute('aria-sort');}
th.setAttribute('aria-sort',asc?'ascending':'descending');
var body=table.tBodies[0],rows=Array.prototype.slice.call(body.rows);
rows.sort(function(a,b){
var x=key(a,col),y=key(b,col),mx=(x===null||x===''),my=(y===null||y==='');
if(mx||my){return mx===my?0:(mx?1:-1);}
var nx=Number(x),ny=Number(y),r=(isNaN(nx)||isNaN(ny))?x.localeCompare(y):nx-ny;
return asc?r:-r;});
var frag=document.createDocumentFragment();
rows.forEach(function(r){frag.appendChild(r);});body.appendChild(frag);}
var tables=document.querySelectorAll('table.sortable');
for(var t=0;t<tables.length;t++){(function(table){
var buttons=table.tHead.querySelectorAll('button[data-col]');
for(var b=0;b<buttons.length;b++){(function(button){
button.addEventListener('click',function(){
sortBy(table,button.parentNode,Number(button.getAttribute('data-col')));});
})(buttons[b]);}
})(tables[t]);}
})();
"""
