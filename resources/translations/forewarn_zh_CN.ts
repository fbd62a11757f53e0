<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AlarmBanner</name>
    <message>
        <source>No unacknowledged alarms</source>
        <translation>无未确认报警</translation>
    </message>
    <message>
        <source>{n} standing</source>
        <translation>{n} 条在列</translation>
    </message>
    <message>
        <source>(returned to normal)</source>
        <translation>（已恢复正常）</translation>
    </message>
    <message>
        <source>Early warning</source>
        <translation>预警</translation>
    </message>
    <message>
        <source>+{n} unacknowledged</source>
        <translation>另有 {n} 条未确认</translation>
    </message>
    <message>
        <source>Click to acknowledge this alarm</source>
        <translation>单击确认此报警</translation>
    </message>
</context>
<context>
    <name>AlarmHistoryView</name>
    <message>
        <source>Alarm history — {plant}</source>
        <translation>报警历史 — {plant}</translation>
    </message>
    <message>
        <source>Alarm history</source>
        <translation>报警历史</translation>
    </message>
    <message>
        <source>Load</source>
        <translation>读取</translation>
    </message>
    <message>
        <source>Read the journal of the period (F5)</source>
        <translation>读取该时段的报警记录（F5）</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>时段</translation>
    </message>
    <message>
        <source>Shift report…</source>
        <translation>交接班报表…</translation>
    </message>
    <message>
        <source>Print the shift handover report as PDF</source>
        <translation>将交接班报表输出为 PDF</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <source>Show priority {p} alarms</source>
        <translation>显示 {p} 级报警</translation>
    </message>
    <message>
        <source>All kinds</source>
        <translation>全部类型</translation>
    </message>
    <message>
        <source>All states</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <source>Search tag, message, user, comment…</source>
        <translation>搜索位号、信息、用户、备注…</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <source>Export PDF…</source>
        <translation>导出 PDF…</translation>
    </message>
    <message>
        <source>No history database: the journal is not recorded.</source>
        <translation>无历史数据库：报警记录未保存。</translation>
    </message>
    <message>
        <source>The period must end after it starts.</source>
        <translation>时段的结束时间必须晚于开始时间。</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在读取…</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <source>Loading… {done} / {total} rows</source>
        <translation>正在读取… {done} / {total} 行</translation>
    </message>
    <message>
        <source>Could not read the journal: {error}</source>
        <translation>无法读取报警记录：{error}</translation>
    </message>
    <message>
        <source>{period} · read in {seconds} s</source>
        <translation>{period} · 用时 {seconds} s</translation>
    </message>
    <message>
        <source> (first {n} rows only)</source>
        <translation>（仅前 {n} 行）</translation>
    </message>
    <message>
        <source>{shown} of {total} rows</source>
        <translation>{shown} / {total} 行</translation>
    </message>
    <message>
        <source>{total} rows</source>
        <translation>{total} 行</translation>
    </message>
    <message>
        <source>priority {list}</source>
        <translation>优先级 {list}</translation>
    </message>
    <message>
        <source>kind {list}</source>
        <translation>类型 {list}</translation>
    </message>
    <message>
        <source>state {list}</source>
        <translation>状态 {list}</translation>
    </message>
    <message>
        <source>search “{text}”</source>
        <translation>搜索“{text}”</translation>
    </message>
    <message>
        <source>Export alarm history</source>
        <translation>导出报警历史</translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>PDF (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>Writing {path}…</source>
        <translation>正在写入 {path}…</translation>
    </message>
    <message>
        <source>Export failed: {error}</source>
        <translation>导出失败：{error}</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>{path} could not be written:
{error}</source>
        <translation>无法写入 {path}：
{error}</translation>
    </message>
    <message>
        <source>{n} rows written to {path}</source>
        <translation>已将 {n} 行写入 {path}</translation>
    </message>
</context>
<context>
    <name>AlarmTable</name>
    <message>
        <source>Acknowledge</source>
        <translation>确认</translation>
    </message>
    <message>
        <source>Acknowledge the selected alarms (Ctrl+K / F8)</source>
        <translation>确认所选报警（Ctrl+K / F8）</translation>
    </message>
    <message>
        <source>Acknowledge all visible</source>
        <translation>确认全部可见报警</translation>
    </message>
    <message>
        <source>Acknowledge every unacknowledged alarm the filters let through (Ctrl+Shift+K)</source>
        <translation>确认当前筛选条件下所有未确认的报警（Ctrl+Shift+K）</translation>
    </message>
    <message>
        <source>Shelve…</source>
        <translation>搁置…</translation>
    </message>
    <message>
        <source>Take the selected alarms off the list for a while, with a reason</source>
        <translation>将所选报警暂时移出列表（须填写原因）</translation>
    </message>
    <message>
        <source>Why?</source>
        <translation>原因？</translation>
    </message>
    <message>
        <source>Why the selected early warning is raised: its data and reasoning (F1)</source>
        <translation>所选预警的触发原因：数据与推理依据（F1）</translation>
    </message>
    <message>
        <source>Standing</source>
        <translation>在列报警</translation>
    </message>
    <message>
        <source>Alarms and warnings on the operator&apos;s list</source>
        <translation>操作员列表中的报警与预警</translation>
    </message>
    <message>
        <source>Shelved &amp;&amp; out of service</source>
        <translation>搁置与停用</translation>
    </message>
    <message>
        <source>Shelved, suppressed and out-of-service alarms: who, why and until when</source>
        <translation>已搁置、已抑制和已停用的报警：操作人、原因及截止时间</translation>
    </message>
    <message>
        <source>Plant area of the alarm&apos;s tag</source>
        <translation>报警位号所属区域</translation>
    </message>
    <message>
        <source>All areas</source>
        <translation>全部区域</translation>
    </message>
    <message>
        <source>No area</source>
        <translation>无区域</translation>
    </message>
    <message>
        <source>Communication and rule alarms</source>
        <translation>通讯报警与规则报警</translation>
    </message>
    <message>
        <source>Hazard source the alarm belongs to</source>
        <translation>报警所属危险源</translation>
    </message>
    <message>
        <source>All hazard sources</source>
        <translation>全部危险源</translation>
    </message>
    <message>
        <source>Show priority {p} alarms</source>
        <translation>显示 {p} 级报警</translation>
    </message>
    <message>
        <source>Alarm state</source>
        <translation>报警状态</translation>
    </message>
    <message>
        <source>Alarms, early warnings (⚠ forecast, anomaly, rule) or both</source>
        <translation>报警、预警（⚠ 预测、异常、规则）或两者</translation>
    </message>
    <message>
        <source>Search tag, text, kind, state</source>
        <translation>搜索位号、描述、类型、状态</translation>
    </message>
    <message>
        <source>Clear filters</source>
        <translation>清除筛选</translation>
    </message>
    <message>
        <source>Shelved &amp;&amp; out of service ({n})</source>
        <translation>搁置与停用（{n}）</translation>
    </message>
    <message>
        <source>{shown} of {n} off the list</source>
        <translation>已移出列表 {n} 条，显示 {shown} 条</translation>
    </message>
    <message>
        <source>{shown} of {n} shown, {unack} unacknowledged</source>
        <translation>共 {n} 条，显示 {shown} 条，{unack} 条未确认</translation>
    </message>
</context>
<context>
    <name>AlarmTableModel</name>
    <message>
        <source>until it clears</source>
        <translation>直至恢复</translation>
    </message>
    <message>
        <source>until {time}</source>
        <translation>至 {time}</translation>
    </message>
    <message>
        <source>by design</source>
        <translation>设计抑制</translation>
    </message>
    <message>
        <source>{mark} early warning: </source>
        <translation>{mark} 预警：</translation>
    </message>
    <message>
        <source>{message}
active since {since}
last change {changed}</source>
        <translation>{message}
发生于 {since}
最近变化 {changed}</translation>
    </message>
    <message>
        <source>
expected at {time}</source>
        <translation>
预计于 {time}</translation>
    </message>
    <message>
        <source> ± {n} min</source>
        <translation> ± {n} 分钟</translation>
    </message>
    <message>
        <source>
hazard source: {name}</source>
        <translation>
危险源：{name}</translation>
    </message>
    <message>
        <source>
◆ first out: the first alarm of this burst on its hazard source</source>
        <translation>
◆ 首出：该危险源本轮报警中的第一条</translation>
    </message>
    <message>
        <source>
{state} by {user}</source>
        <translation>
{state}：{user}</translation>
    </message>
</context>
<context>
    <name>DatabaseLabel</name>
    <message>
        <source>History: off</source>
        <translation>历史：关闭</translation>
    </message>
    <message>
        <source>No history database configured</source>
        <translation>未配置历史数据库</translation>
    </message>
    <message>
        <source>History: OK</source>
        <translation>历史：正常</translation>
    </message>
    <message>
        <source>{url}
{n} rows pending</source>
        <translation>{url}
待写入 {n} 行</translation>
    </message>
    <message>
        <source>History: {state}</source>
        <translation>历史：{state}</translation>
    </message>
    <message>
        <source>{error}
{n} rows buffered</source>
        <translation>{error}
已缓存 {n} 行</translation>
    </message>
</context>
<context>
    <name>DeviceBadge</name>
    <message>
        <source>
since {time}</source>
        <translation>
自 {time}</translation>
    </message>
    <message>
        <source>
round trip {ms} ms</source>
        <translation>
往返 {ms} ms</translation>
    </message>
</context>
<context>
    <name>HazardPanel</name>
    <message>
        <source>Why?</source>
        <translation>原因？</translation>
    </message>
    <message>
        <source>The full explanation: the level, the inherent grade and every indicator</source>
        <translation>完整说明：风险等级、固有风险分级及每项指标</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy the explanation as text (for the log book or a report)</source>
        <translation>以文本复制说明（用于值班日志或报告）</translation>
    </message>
    <message>
        <source>Inherent</source>
        <translation>固有风险</translation>
    </message>
    <message>
        <source>Indicators</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Select a hazard source on the map or in Plant risk.</source>
        <translation>请在厂区图或全厂风险中选择一个危险源。</translation>
    </message>
    <message>
        <source>No live risk evaluation yet: shown at its inherent level.</source>
        <translation>尚无实时风险评估：按固有风险等级显示。</translation>
    </message>
    <message>
        <source>Since {since}</source>
        <translation>自 {since}</translation>
    </message>
    <message>
        <source>, was {level}</source>
        <translation>，此前为 {level}</translation>
    </message>
    <message>
        <source>{n} steps above inherent</source>
        <translation>高于固有风险 {n} 级</translation>
    </message>
    <message>
        <source>1 step above inherent</source>
        <translation>高于固有风险 1 级</translation>
    </message>
    <message>
        <source>Raised by ({n})</source>
        <translation>升级依据（{n}）</translation>
    </message>
    <message>
        <source>Raised by: no live evidence on this hazard source</source>
        <translation>升级依据：该危险源无实时证据</translation>
    </message>
    <message>
        <source>Indicators (first {n} of {total})</source>
        <translation>指标（共 {total} 项，显示前 {n} 项）</translation>
    </message>
</context>
<context>
    <name>HornIndicator</name>
    <message>
        <source>Silence  F9</source>
        <translation>消音  F9</translation>
    </message>
    <message>
        <source>Silence the horn until a new alarm arrives (F9); does not acknowledge</source>
        <translation>消音直至新报警到来（F9）；不确认报警</translation>
    </message>
    <message>
        <source>audio unavailable</source>
        <translation>音频不可用</translation>
    </message>
    <message>
        <source>
No sound on this workstation: {reason}</source>
        <translation>
本工作站无声音：{reason}</translation>
    </message>
</context>
<context>
    <name>KpiPanel</name>
    <message>
        <source>Alarm KPIs · EEMUA 191</source>
        <translation>报警绩效指标 · EEMUA 191</translation>
    </message>
    <message>
        <source>Alarms per 10 minutes</source>
        <translation>每 10 分钟报警数</translation>
    </message>
    <message>
        <source>target 1 / 10 min</source>
        <translation>目标 1 条 / 10 分钟</translation>
    </message>
    <message>
        <source>Priority split, %: actual (colour) vs EEMUA target (grey)</source>
        <translation>优先级分布（%）：实际（彩色）与 EEMUA 目标（灰色）</translation>
    </message>
    <message>
        <source>I (high)</source>
        <translation>I（高）</translation>
    </message>
    <message>
        <source>II (medium)</source>
        <translation>II（中）</translation>
    </message>
    <message>
        <source>III + IV (low)</source>
        <translation>III + IV（低）</translation>
    </message>
    <message>
        <source>Top 10 bad actors: activations (⟳ chattering)</source>
        <translation>前 10 位频发报警：发生次数（⟳ 振荡）</translation>
    </message>
    <message>
        <source>{period} · {n} operator position(s)</source>
        <translation>{period} · {n} 个操作员岗位</translation>
    </message>
    <message>
        <source>Flood {start} – {end}: {n} alarms</source>
        <translation>报警泛滥 {start} – {end}：{n} 条报警</translation>
    </message>
    <message>
        <source>Click a bar to filter the table.</source>
        <translation>单击柱条可筛选表格。</translation>
    </message>
</context>
<context>
    <name>LevelBadge</name>
    <message>
        <source>Level {level} ({grade})</source>
        <translation>等级 {level}（{grade}）</translation>
    </message>
</context>
<context>
    <name>RiskExplainDialog</name>
    <message>
        <source>Why? — {name}</source>
        <translation>原因？— {name}</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
</context>
<context>
    <name>RiskOverview</name>
    <message>
        <source>{n} hazard sources: {levels}</source>
        <translation>{n} 个危险源：{levels}</translation>
    </message>
    <message>
        <source>No risk evaluation yet</source>
        <translation>尚无风险评估</translation>
    </message>
    <message>
        <source>{n} raised by live evidence</source>
        <translation>{n} 个因实时证据升级</translation>
    </message>
</context>
<context>
    <name>RiskTableModel</name>
    <message>
        <source>for {duration}</source>
        <translation>持续 {duration}</translation>
    </message>
</context>
<context>
    <name>ShelveDialog</name>
    <message>
        <source>Shelve alarms</source>
        <translation>搁置报警</translation>
    </message>
    <message>
        <source>Reason (required), e.g. work order, known instrument fault</source>
        <translation>原因（必填），如工单号、已知仪表故障</translation>
    </message>
    <message>
        <source>Shelve</source>
        <translation>搁置</translation>
    </message>
    <message>
        <source>{names} and {n} more</source>
        <translation>{names} 等另 {n} 条</translation>
    </message>
    <message>
        <source>For</source>
        <translation>时长</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
</context>
<context>
    <name>ShiftReportDialog</name>
    <message>
        <source>Shift report</source>
        <translation>交接班报表</translation>
    </message>
    <message>
        <source>Current shift</source>
        <translation>本班</translation>
    </message>
    <message>
        <source>Previous shift</source>
        <translation>上一班</translation>
    </message>
    <message>
        <source>Custom range</source>
        <translation>自定义时段</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Shift</source>
        <translation>班次</translation>
    </message>
    <message>
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <source>To</source>
        <translation>至</translation>
    </message>
    <message>
        <source>Operator positions</source>
        <translation>操作员岗位数</translation>
    </message>
    <message>
        <source>PDF file</source>
        <translation>PDF 文件</translation>
    </message>
    <message>
        <source>Create PDF</source>
        <translation>生成 PDF</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Save shift report</source>
        <translation>保存交接班报表</translation>
    </message>
    <message>
        <source>PDF (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>No history database: nothing to report.</source>
        <translation>无历史数据库：没有可报告的内容。</translation>
    </message>
    <message>
        <source>Choose a file and a period that ends after it starts.</source>
        <translation>请选择文件，并确保时段结束时间晚于开始时间。</translation>
    </message>
    <message>
        <source>Writing report…</source>
        <translation>正在生成报表…</translation>
    </message>
    <message>
        <source>Written: {path}</source>
        <translation>已写入：{path}</translation>
    </message>
    <message>
        <source>Report failed: {error}</source>
        <translation>报表生成失败：{error}</translation>
    </message>
    <message>
        <source>The report could not be written:
{error}</source>
        <translation>无法写入报表：
{error}</translation>
    </message>
</context>
<context>
    <name>Sparkline</name>
    <message>
        <source>Last 10 minutes</source>
        <translation>最近 10 分钟</translation>
    </message>
</context>
<context>
    <name>TagBrowser</name>
    <message>
        <source>Filter tags</source>
        <translation>筛选位号</translation>
    </message>
    <message>
        <source>By area</source>
        <translation>按区域</translation>
    </message>
    <message>
        <source>By device</source>
        <translation>按设备</translation>
    </message>
</context>
<context>
    <name>TagTreeModel</name>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>{name}
{description}
device {device}</source>
        <translation>{name}
{description}
设备 {device}</translation>
    </message>
    <message>
        <source>, area {area}</source>
        <translation>，区域 {area}</translation>
    </message>
</context>
<context>
    <name>TermModel</name>
    <message>
        <source>Term</source>
        <translation>项</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <source>How</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>no data</source>
        <translation>无数据</translation>
    </message>
</context>
<context>
    <name>TrendPlot</name>
    <message>
        <source>Live</source>
        <translation>实时</translation>
    </message>
    <message>
        <source>Follow the newest samples</source>
        <translation>跟随最新数据</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Remove every pen</source>
        <translation>移除全部曲线</translation>
    </message>
    <message>
        <source>alarm journal: {error}</source>
        <translation>报警记录：{error}</translation>
    </message>
    <message>
        <source>mixed units</source>
        <translation>多种单位</translation>
    </message>
    <message>
        <source>(history unavailable)</source>
        <translation>（历史数据不可用）</translation>
    </message>
    <message>
        <source>Trend: double-click or drag a tag here</source>
        <translation>趋势：双击位号或将位号拖到此处</translation>
    </message>
    <message>
        <source>Trend: {n} pens, % of range</source>
        <translation>趋势：{n} 条曲线，量程百分比</translation>
    </message>
    <message>
        <source>% of range</source>
        <translation>量程 %</translation>
    </message>
    <message>
        <source>Trend: {n} pens</source>
        <translation>趋势：{n} 条曲线</translation>
    </message>
    <message>
        <source>Trend: 1 pen</source>
        <translation>趋势：1 条曲线</translation>
    </message>
</context>
<context>
    <name>TrendView</name>
    <message>
        <source>Show the last {span} and follow new samples</source>
        <translation>显示最近 {span} 并跟随新数据</translation>
    </message>
    <message>
        <source>Live</source>
        <translation>实时</translation>
    </message>
    <message>
        <source>Follow the newest samples (off: paused)</source>
        <translation>跟随最新数据（关闭：暂停）</translation>
    </message>
    <message>
        <source>Start of the range to show</source>
        <translation>显示时段的开始</translation>
    </message>
    <message>
        <source>End of the range to show</source>
        <translation>显示时段的结束</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>Show the range picked on the left</source>
        <translation>显示左侧所选时段</translation>
    </message>
    <message>
        <source>Open a saved trend set</source>
        <translation>打开已保存的趋势组</translation>
    </message>
    <message>
        <source>Save trend set…</source>
        <translation>保存趋势组…</translation>
    </message>
    <message>
        <source>Export shown range as CSV…</source>
        <translation>将当前时段导出为 CSV…</translation>
    </message>
    <message>
        <source>Save chart as PNG…</source>
        <translation>将图表保存为 PNG…</translation>
    </message>
    <message>
        <source>Remove every pen</source>
        <translation>移除全部曲线</translation>
    </message>
    <message>
        <source>Trend sets, export, clear</source>
        <translation>趋势组、导出、清除</translation>
    </message>
    <message>
        <source>The end of the range must be after its start.</source>
        <translation>时段的结束时间必须晚于开始时间。</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>loading…</source>
        <translation>正在读取…</translation>
    </message>
    <message>
        <source>loading… {done}/{total}</source>
        <translation>正在读取… {done}/{total}</translation>
    </message>
    <message>
        <source>History unavailable: {error}</source>
        <translation>历史数据不可用：{error}</translation>
    </message>
    <message>
        <source>Exported {n} rows to {file}</source>
        <translation>已导出 {n} 行到 {file}</translation>
    </message>
    <message>
        <source>Saved {file}</source>
        <translation>已保存 {file}</translation>
    </message>
    <message>
        <source>Could not save {file}</source>
        <translation>无法保存 {file}</translation>
    </message>
    <message>
        <source>Export trend</source>
        <translation>导出趋势</translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Export failed: {error}</source>
        <translation>导出失败：{error}</translation>
    </message>
    <message>
        <source>Save chart</source>
        <translation>保存图表</translation>
    </message>
    <message>
        <source>PNG (*.png)</source>
        <translation>PNG 图片 (*.png)</translation>
    </message>
    <message>
        <source>Saved trend set “{name}”</source>
        <translation>已保存趋势组“{name}”</translation>
    </message>
    <message>
        <source>Cannot open trend set “{name}”: {error}</source>
        <translation>无法打开趋势组“{name}”：{error}</translation>
    </message>
    <message>
        <source>Opened trend set “{name}” (not configured any more: {tags})</source>
        <translation>已打开趋势组“{name}”（以下位号已不在配置中：{tags}）</translation>
    </message>
    <message>
        <source>Opened trend set “{name}”</source>
        <translation>已打开趋势组“{name}”</translation>
    </message>
    <message>
        <source>Trend sets…</source>
        <translation>趋势组…</translation>
    </message>
    <message>
        <source>Save trend set</source>
        <translation>保存趋势组</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <source>Cannot save the trend set: {error}</source>
        <translation>无法保存趋势组：{error}</translation>
    </message>
    <message>
        <source>Trend: double-click or drag a tag here</source>
        <translation>趋势：双击位号或将位号拖到此处</translation>
    </message>
    <message>
        <source>Trend: {n} pens, % of range</source>
        <translation>趋势：{n} 条曲线，量程百分比</translation>
    </message>
    <message>
        <source>Trend: {n} pens</source>
        <translation>趋势：{n} 条曲线</translation>
    </message>
    <message>
        <source>Trend: 1 pen</source>
        <translation>趋势：1 条曲线</translation>
    </message>
</context>
<context>
    <name>UserLabel</name>
    <message>
        <source>User: {name}</source>
        <translation>用户：{name}</translation>
    </message>
    <message>
        <source>User: operator</source>
        <translation>用户：操作员</translation>
    </message>
</context>
<context>
    <name>WarningExplainDialog</name>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Why? — no explanation</source>
        <translation>原因？— 无说明</translation>
    </message>
    <message>
        <source>{tag}: an alarm, not an early warning</source>
        <translation>{tag}：这是报警，不是预警</translation>
    </message>
    <message>
        <source>The limit is crossed now (value {value}, limit {limit}).</source>
        <translation>当前已越限（数值 {value}，限值 {limit}）。</translation>
    </message>
    <message>
        <source>The limit is crossed now.</source>
        <translation>当前已越限。</translation>
    </message>
    <message>
        <source>Why? explains early warnings: forecasts, anomalies and incident rules.</source>
        <translation>“原因？”用于解释预警：预测、异常和事故规则。</translation>
    </message>
    <message>
        <source>This warning</source>
        <translation>此预警</translation>
    </message>
    <message>
        <source>{name}: no explanation available</source>
        <translation>{name}：无可用说明</translation>
    </message>
    <message>
        <source>The warning has cleared, or its detector no longer holds the data behind it.</source>
        <translation>该预警已消除，或其检测器已不再保留相关数据。</translation>
    </message>
    <message>
        <source>
Last message: {message}</source>
        <translation>
最后信息：{message}</translation>
    </message>
    <message>
        <source>Why? — {title}</source>
        <translation>原因？— {title}</translation>
    </message>
    <message>
        <source>Limit {limit} expected at {time}</source>
        <translation>预计于 {time} 达到限值 {limit}</translation>
    </message>
    <message>
        <source>, in {duration}</source>
        <translation>，{duration} 后</translation>
    </message>
    <message>
        <source>data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>trend</source>
        <translation>趋势</translation>
    </message>
    <message>
        <source>baseline</source>
        <translation>基线</translation>
    </message>
    <message>
        <source>cone</source>
        <translation>预测锥</translation>
    </message>
    <message>
        <source>normal band (± 3 σ)</source>
        <translation>正常带（± 3 σ）</translation>
    </message>
    <message>
        <source>limit {limit}</source>
        <translation>限值 {limit}</translation>
    </message>
    <message>
        <source>expected {time}</source>
        <translation>预计 {time}</translation>
    </message>
    <message>
        <source>now</source>
        <translation>现在</translation>
    </message>
    <message>
        <source>Why? — rule {name}</source>
        <translation>原因？— 规则 {name}</translation>
    </message>
    <message>
        <source>Rule {name}</source>
        <translation>规则 {name}</translation>
    </message>
    <message>
        <source>Raised since {time} ({duration})</source>
        <translation>自 {time} 起触发（{duration}）</translation>
    </message>
    <message>
        <source>Raised</source>
        <translation>已触发</translation>
    </message>
    <message>
        <source>Condition holds since {time}</source>
        <translation>条件自 {time} 起成立</translation>
    </message>
    <message>
        <source>Condition holds</source>
        <translation>条件成立</translation>
    </message>
    <message>
        <source>, timing {duration} before it warns</source>
        <translation>，计时 {duration} 后预警</translation>
    </message>
    <message>
        <source>Not holding</source>
        <translation>条件不成立</translation>
    </message>
    <message>
        <source>.</source>
        <translation>。</translation>
    </message>
    <message>
        <source>When: {condition}</source>
        <translation>条件：{condition}</translation>
    </message>
    <message>
        <source>For: {duration}</source>
        <translation>持续：{duration}</translation>
    </message>
    <message>
        <source>Says: {message}</source>
        <translation>信息：{message}</translation>
    </message>
    <message>
        <source>Last evaluated {time}.</source>
        <translation>最近评估于 {time}。</translation>
    </message>
    <message>
        <source>Error: {error}</source>
        <translation>错误：{error}</translation>
    </message>
    <message>
        <source>Terms at the last evaluation</source>
        <translation>最近一次评估时的各项</translation>
    </message>
</context>
<context>
    <name>alarm_history</name>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Pri</source>
        <translation>级别</translation>
    </message>
    <message>
        <source>Tag</source>
        <translation>位号</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <source>Limit</source>
        <translation>限值</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>信息</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Current shift</source>
        <translation>本班</translation>
    </message>
    <message>
        <source>Previous shift</source>
        <translation>上一班</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>最近 24 小时</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>最近 7 天</translation>
    </message>
    <message>
        <source>Custom range</source>
        <translation>自定义时段</translation>
    </message>
    <message>
        <source>Unacked</source>
        <translation>未确认</translation>
    </message>
    <message>
        <source>Acked</source>
        <translation>已确认</translation>
    </message>
    <message>
        <source>RTN unacked</source>
        <translation>已恢复未确认</translation>
    </message>
    <message>
        <source>Normal</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>Latched</source>
        <translation>已锁存</translation>
    </message>
    <message>
        <source>Shelved</source>
        <translation>已搁置</translation>
    </message>
    <message>
        <source>Suppressed</source>
        <translation>已抑制</translation>
    </message>
    <message>
        <source>Out of service</source>
        <translation>退出服务</translation>
    </message>
</context>
<context>
    <name>alarm_table</name>
    <message>
        <source>Unack</source>
        <translation>未确认</translation>
    </message>
    <message>
        <source>Acked</source>
        <translation>已确认</translation>
    </message>
    <message>
        <source>RTN unack</source>
        <translation>已恢复未确认</translation>
    </message>
    <message>
        <source>Normal</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>Latched</source>
        <translation>已锁存</translation>
    </message>
    <message>
        <source>Shelved</source>
        <translation>已搁置</translation>
    </message>
    <message>
        <source>Suppressed</source>
        <translation>已抑制</translation>
    </message>
    <message>
        <source>Out of service</source>
        <translation>退出服务</translation>
    </message>
    <message>
        <source>15 minutes</source>
        <translation>15 分钟</translation>
    </message>
    <message>
        <source>1 hour</source>
        <translation>1 小时</translation>
    </message>
    <message>
        <source>8 hours (one shift)</source>
        <translation>8 小时（一个班次）</translation>
    </message>
    <message>
        <source>Until it clears</source>
        <translation>直至恢复</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Pri</source>
        <translation>级别</translation>
    </message>
    <message>
        <source>Tag</source>
        <translation>位号</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <source>Limit</source>
        <translation>限值</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Expected</source>
        <translation>预计</translation>
    </message>
    <message>
        <source>Off the list</source>
        <translation>移出列表</translation>
    </message>
    <message>
        <source>All standing</source>
        <translation>全部在列</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>活动</translation>
    </message>
    <message>
        <source>Unacknowledged</source>
        <translation>未确认</translation>
    </message>
    <message>
        <source>Alarms &amp; warnings</source>
        <translation>报警与预警</translation>
    </message>
    <message>
        <source>Alarms</source>
        <translation>报警</translation>
    </message>
    <message>
        <source>Warnings</source>
        <translation>预警</translation>
    </message>
    <message>
        <source>forecast</source>
        <translation>预测</translation>
    </message>
    <message>
        <source>anomaly</source>
        <translation>异常</translation>
    </message>
    <message>
        <source>rule</source>
        <translation>规则</translation>
    </message>
    <message>
        <source>due now</source>
        <translation>即将到达</translation>
    </message>
    <message>
        <source>in {n} s</source>
        <translation>{n} 秒后</translation>
    </message>
    <message>
        <source>in {n} min</source>
        <translation>{n} 分钟后</translation>
    </message>
    <message>
        <source>in {h} h {m} min</source>
        <translation>{h} 小时 {m} 分钟后</translation>
    </message>
    <message>
        <source>in {h} h</source>
        <translation>{h} 小时后</translation>
    </message>
    <message>
        <source> ±{n} min</source>
        <translation> ±{n} 分钟</translation>
    </message>
</context>
<context>
    <name>hazard_panel</name>
    <message>
        <source>good</source>
        <translation>良好</translation>
    </message>
    <message>
        <source>uncertain</source>
        <translation>不确定</translation>
    </message>
    <message>
        <source>bad</source>
        <translation>坏值</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>等级</translation>
    </message>
    <message>
        <source>Indicator</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Evidence</source>
        <translation>证据</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>起始</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>详情</translation>
    </message>
</context>
<context>
    <name>horn</name>
    <message>
        <source>Horn quiet</source>
        <translation>声响安静</translation>
    </message>
    <message>
        <source>HORN</source>
        <translation>声响</translation>
    </message>
    <message>
        <source>Horn silenced</source>
        <translation>已消音</translation>
    </message>
    <message>
        <source>No alarm is sounding</source>
        <translation>无报警鸣响</translation>
    </message>
    <message>
        <source>An unacknowledged alarm is sounding: silence (F9) or acknowledge it</source>
        <translation>有未确认报警在鸣响：请消音（F9）或确认</translation>
    </message>
    <message>
        <source>Silenced: the horn sounds again when a new alarm arrives (alarms are still unacknowledged)</source>
        <translation>已消音：新报警到来时将再次鸣响（报警仍未确认）</translation>
    </message>
</context>
<context>
    <name>kpi</name>
    <message>
        <source>Activations</source>
        <translation>发生次数</translation>
    </message>
    <message>
        <source>Average rate</source>
        <translation>平均报警率</translation>
    </message>
    <message>
        <source>Peak 10 min</source>
        <translation>10 分钟峰值</translation>
    </message>
    <message>
        <source>Floods</source>
        <translation>报警泛滥</translation>
    </message>
    <message>
        <source>Chattering</source>
        <translation>振荡报警</translation>
    </message>
    <message>
        <source>Standing &gt; 24 h</source>
        <translation>持续 &gt; 24 小时</translation>
    </message>
    <message>
        <source>Ack time mean</source>
        <translation>平均确认时间</translation>
    </message>
    <message>
        <source>Ack time p90</source>
        <translation>确认时间 P90</translation>
    </message>
    <message>
        <source>Unacked at end</source>
        <translation>期末未确认</translation>
    </message>
    <message>
        <source>Priority I / II / III+IV</source>
        <translation>优先级 I / II / III+IV</translation>
    </message>
    <message>
        <source>Top bad actor share</source>
        <translation>最频发报警占比</translation>
    </message>
    <message>
        <source>EEMUA 191 assessment</source>
        <translation>EEMUA 191 评估</translation>
    </message>
    <message>
        <source>flood above 10</source>
        <translation>超过 10 条即为泛滥</translation>
    </message>
    <message>
        <source>≥ 3 in 1 min</source>
        <translation>1 分钟内 ≥ 3 次</translation>
    </message>
    <message>
        <source>target 5 / 15 / 80 %</source>
        <translation>目标 5 / 15 / 80 %</translation>
    </message>
</context>
<context>
    <name>plant_map</name>
    <message>
        <source>ON</source>
        <translation>开</translation>
    </message>
    <message>
        <source>OFF</source>
        <translation>关</translation>
    </message>
    <message>
        <source>(zoom in to show the value)</source>
        <translation>（放大以显示数值）</translation>
    </message>
    <message>
        <source>early warning, level {level}</source>
        <translation>预警，{level} 级</translation>
    </message>
    <message>
        <source>{name}
inherent level {level}</source>
        <translation>{name}
固有风险 {level} 级</translation>
    </message>
</context>
<context>
    <name>risk</name>
    <message>
        <source>red</source>
        <translation>红</translation>
    </message>
    <message>
        <source>orange</source>
        <translation>橙</translation>
    </message>
    <message>
        <source>yellow</source>
        <translation>黄</translation>
    </message>
    <message>
        <source>blue</source>
        <translation>蓝</translation>
    </message>
    <message>
        <source>major</source>
        <translation>重大风险</translation>
    </message>
    <message>
        <source>large</source>
        <translation>较大风险</translation>
    </message>
    <message>
        <source>general</source>
        <translation>一般风险</translation>
    </message>
    <message>
        <source>low</source>
        <translation>低风险</translation>
    </message>
    <message>
        <source>alarm</source>
        <translation>报警</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>预警</translation>
    </message>
    <message>
        <source>blind spot</source>
        <translation>监测盲区</translation>
    </message>
    <message>
        <source>hidden alarm</source>
        <translation>隐藏报警</translation>
    </message>
    <message>
        <source>interlock bypassed</source>
        <translation>联锁旁路</translation>
    </message>
    <message>
        <source>escalation</source>
        <translation>升级</translation>
    </message>
    <message>
        <source>blast furnace</source>
        <translation>高炉</translation>
    </message>
    <message>
        <source>converter</source>
        <translation>转炉</translation>
    </message>
    <message>
        <source>gas recovery</source>
        <translation>煤气回收</translation>
    </message>
    <message>
        <source>gas holder</source>
        <translation>煤气柜</translation>
    </message>
    <message>
        <source>gas area</source>
        <translation>煤气区域</translation>
    </message>
    <message>
        <source>oxygen station</source>
        <translation>制氧站</translation>
    </message>
    <message>
        <source>dust collector</source>
        <translation>除尘器</translation>
    </message>
    <message>
        <source>caster</source>
        <translation>连铸机</translation>
    </message>
    <message>
        <source>crane</source>
        <translation>起重机</translation>
    </message>
    <message>
        <source>deep-well casting</source>
        <translation>深井铸造</translation>
    </message>
    <message>
        <source>other</source>
        <translation>其他</translation>
    </message>
</context>
<context>
    <name>risk_overview</name>
    <message>
        <source>Level</source>
        <translation>动态风险</translation>
    </message>
    <message>
        <source>Hazard source</source>
        <translation>危险源</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Inherent</source>
        <translation>固有风险</translation>
    </message>
    <message>
        <source>Raised by</source>
        <translation>升级依据</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>起始</translation>
    </message>
    <message>
        <source>escalated: {what}</source>
        <translation>叠加升级：{what}</translation>
    </message>
</context>
<context>
    <name>shift_report</name>
    <message>
        <source>#</source>
        <translation>序号</translation>
    </message>
    <message>
        <source>Active since</source>
        <translation>发生时间</translation>
    </message>
    <message>
        <source>Activations</source>
        <translation>发生次数</translation>
    </message>
    <message>
        <source>Alarm</source>
        <translation>报警</translation>
    </message>
    <message>
        <source>Alarms</source>
        <translation>报警数</translation>
    </message>
    <message>
        <source>By</source>
        <translation>操作人</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>次数</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>持续时间</translation>
    </message>
    <message>
        <source>EEMUA target</source>
        <translation>EEMUA 目标</translation>
    </message>
    <message>
        <source>End</source>
        <translation>结束</translation>
    </message>
    <message>
        <source>For</source>
        <translation>持续</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Last change</source>
        <translation>最近变化</translation>
    </message>
    <message>
        <source>Limit</source>
        <translation>限值</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>信息</translation>
    </message>
    <message>
        <source>New state</source>
        <translation>新状态</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>Pri</source>
        <translation>级别</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Share</source>
        <translation>占比</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>起始时间</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Tag</source>
        <translation>位号</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <source>page {n}</source>
        <translation>第 {n} 页</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Alarms per 10 minutes</source>
        <translation>每 10 分钟报警数</translation>
    </message>
    <message>
        <source>target 1 / 10 min per operator</source>
        <translation>目标 每名操作员 1 条 / 10 分钟</translation>
    </message>
    <message>
        <source>target 1 / 10 min</source>
        <translation>目标 1 条 / 10 分钟</translation>
    </message>
    <message>
        <source>alarms</source>
        <translation>报警</translation>
    </message>
    <message>
        <source>flood: &gt; 10 in 10 min</source>
        <translation>泛滥：10 分钟内 &gt; 10 条</translation>
    </message>
    <message>
        <source>I high</source>
        <translation>I 高</translation>
    </message>
    <message>
        <source>II medium</source>
        <translation>II 中</translation>
    </message>
    <message>
        <source>III+IV low</source>
        <translation>III+IV 低</translation>
    </message>
    <message>
        <source>Priority split, %</source>
        <translation>优先级分布，%</translation>
    </message>
    <message>
        <source>actual</source>
        <translation>实际</translation>
    </message>
    <message>
        <source>target</source>
        <translation>目标</translation>
    </message>
    <message>
        <source>Alarm shift report — {plant}</source>
        <translation>报警交接班报表 — {plant}</translation>
    </message>
    <message>
        <source>{n} operator positions</source>
        <translation>{n} 个操作员岗位</translation>
    </message>
    <message>
        <source>1 operator position</source>
        <translation>1 个操作员岗位</translation>
    </message>
    <message>
        <source>printed {time}</source>
        <translation>打印于 {time}</translation>
    </message>
    <message>
        <source>{percent} % of the shift in flood.</source>
        <translation>本班 {percent} % 的时间处于报警泛滥。</translation>
    </message>
    <message>
        <source>chattering: {n} in 1 min</source>
        <translation>振荡：1 分钟内 {n} 次</translation>
    </message>
    <message>
        <source>Handed over by:</source>
        <translation>交班人：</translation>
    </message>
    <message>
        <source>Taken over by:</source>
        <translation>接班人：</translation>
    </message>
    <message>
        <source>none at the end of the shift</source>
        <translation>交班时无</translation>
    </message>
    <message>
        <source>Activations during the shift ({n})</source>
        <translation>本班报警发生记录（{n}）</translation>
    </message>
    <message>
        <source>The first {shown} of {n} activations are listed.</source>
        <translation>共 {n} 条发生记录，仅列出前 {shown} 条。</translation>
    </message>
    <message>
        <source>no rows</source>
        <translation>无记录</translation>
    </message>
    <message>
        <source>The first {shown} of {n} rows are printed; export CSV for all.</source>
        <translation>共 {n} 行，仅打印前 {shown} 行；如需全部请导出 CSV。</translation>
    </message>
</context>
<context>
    <name>status</name>
    <message>
        <source>connecting</source>
        <translation>连接中</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>已连接</translation>
    </message>
    <message>
        <source>COMM FAIL</source>
        <translation>通讯故障</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>已停用</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
</context>
<context>
    <name>tag_browser</name>
    <message>
        <source>Tag</source>
        <translation>位号</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <source>ON</source>
        <translation>开</translation>
    </message>
    <message>
        <source>OFF</source>
        <translation>关</translation>
    </message>
</context>
<context>
    <name>trend</name>
    <message>
        <source>10 min</source>
        <translation>10 分钟</translation>
    </message>
    <message>
        <source>1 h</source>
        <translation>1 小时</translation>
    </message>
</context>
<context>
    <name>trend_view</name>
    <message>
        <source>10 min</source>
        <translation>10 分钟</translation>
    </message>
    <message>
        <source>1 h</source>
        <translation>1 小时</translation>
    </message>
    <message>
        <source>8 h</source>
        <translation>8 小时</translation>
    </message>
    <message>
        <source>24 h</source>
        <translation>24 小时</translation>
    </message>
    <message>
        <source>7 d</source>
        <translation>7 天</translation>
    </message>
    <message>
        <source>30 d</source>
        <translation>30 天</translation>
    </message>
    <message>
        <source>alarm</source>
        <translation>报警</translation>
    </message>
    <message>
        <source>cleared</source>
        <translation>已消除</translation>
    </message>
</context>
</TS>
