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
        <source>Responses…</source>
        <translation>处置反馈…</translation>
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
        <source>Early warnings (forecast, anomaly, rule)</source>
        <translation>预警（预测、异常、规则）</translation>
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
    <name>AlarmResponseDialog</name>
    <message>
        <source>Alarm response</source>
        <translation>报警处置反馈</translation>
    </message>
    <message>
        <source>{alarm}
began {since}, ended or acknowledged {ended}; response due {due}</source>
        <translation>{alarm}
开始于 {since}，结束或确认于 {ended}；反馈截止 {due}</translation>
    </message>
    <message>
        <source>What caused it (required)</source>
        <translation>报警原因（必填）</translation>
    </message>
    <message>
        <source>What was done about it (required)</source>
        <translation>采取的处置措施（必填）</translation>
    </message>
    <message>
        <source>Cause</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Measure taken</source>
        <translation>处置措施</translation>
    </message>
    <message>
        <source>By</source>
        <translation>处置人</translation>
    </message>
    <message>
        <source>No response is due for this alarm: it is not reported to the regulator, or it still stands unacknowledged.</source>
        <translation>此报警无需处置反馈：它不上报监管平台，或仍处于未确认状态。</translation>
    </message>
    <message>
        <source>Alarm responses</source>
        <translation>报警处置反馈</translation>
    </message>
    <message>
        <source>This workstation runs no regulator link (uplink: in the plant file).</source>
        <translation>本工作站未运行监管平台联网（见工厂文件中的 uplink:）。</translation>
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
        <source>Why the selected row is raised: an alarm&apos;s limit and trend, an early warning&apos;s data and reasoning (F1)</source>
        <translation>为什么报警/预警：报警的限值与趋势，预警的数据与推理（F1）</translation>
    </message>
    <message>
        <source>New alarms wait while the pointer is on the list or a row was just picked; click to show them</source>
        <translation>指针停在列表上或刚选中一行时，新报警暂不插入；点击显示</translation>
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
        <source>▲ {n} new</source>
        <translation>▲ {n} 条新报警</translation>
    </message>
    <message>
        <source>Response…</source>
        <translation>处置反馈…</translation>
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
        <source>by {user}</source>
        <translation>操作人 {user}</translation>
    </message>
    <message>
        <source>reason: {reason}</source>
        <translation>原因：{reason}</translation>
    </message>
    <message>
        <source>back on the list at {time}</source>
        <translation>{time} 恢复显示</translation>
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
    <name>AlarmsPage</name>
    <message>
        <source>Filter tags</source>
        <translation>筛选位号</translation>
    </message>
    <message>
        <source>Limit alarms</source>
        <translation>限值报警</translation>
    </message>
    <message>
        <source>limit</source>
        <translation>限值</translation>
    </message>
    <message>
        <source>priority</source>
        <translation>级别</translation>
    </message>
    <message>
        <source>must rise LL &lt; L &lt; H &lt; HH</source>
        <translation>须递增：LL &lt; L &lt; H &lt; HH</translation>
    </message>
    <message>
        <source>state</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>(analog tag)</source>
        <translation>（模拟量位号）</translation>
    </message>
    <message>
        <source>alarm while true</source>
        <translation>为真（1）时报警</translation>
    </message>
    <message>
        <source>alarm while false</source>
        <translation>为假（0）时报警</translation>
    </message>
    <message>
        <source>Deadband and delays</source>
        <translation>死区与延时</translation>
    </message>
    <message>
        <source>Deadband</source>
        <translation>死区</translation>
    </message>
    <message>
        <source>the value must come back past the limit by this much</source>
        <translation>数值须回到限值以内超过此幅度才解除</translation>
    </message>
    <message>
        <source>On delay (s)</source>
        <translation>报警延时 (s)</translation>
    </message>
    <message>
        <source>the limit must be crossed this long</source>
        <translation>越限须持续此时长才报警</translation>
    </message>
    <message>
        <source>Off delay (s)</source>
        <translation>解除延时 (s)</translation>
    </message>
    <message>
        <source>back inside this long before it clears</source>
        <translation>回到限值以内持续此时长后才解除</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>报警信息</translation>
    </message>
    <message>
        <source>shown with the alarm</source>
        <translation>随报警一起显示</translation>
    </message>
    <message>
        <source>alarm while the value is bad (a blind spot)</source>
        <translation>数值质量为坏时报警（监测盲区）</translation>
    </message>
    <message>
        <source>Bad quality</source>
        <translation>坏质量</translation>
    </message>
    <message>
        <source>Own forecast settings (else the plant&apos;s)</source>
        <translation>单独设置趋势预测（否则沿用全厂设置）</translation>
    </message>
    <message>
        <source>Forecast enabled</source>
        <translation>启用趋势预测</translation>
    </message>
    <message>
        <source>Forecast early warning</source>
        <translation>趋势预测预警</translation>
    </message>
    <message>
        <source>Window (s)</source>
        <translation>拟合窗口 (s)</translation>
    </message>
    <message>
        <source>Horizon (s)</source>
        <translation>预测时长 (s)</translation>
    </message>
    <message>
        <source>Min change</source>
        <translation>最小变化量</translation>
    </message>
    <message>
        <source>Only when</source>
        <translation>仅当条件成立时</translation>
    </message>
    <message>
        <source>Own anomaly settings (else the plant&apos;s)</source>
        <translation>单独设置异常检测（否则沿用全厂设置）</translation>
    </message>
    <message>
        <source>Anomaly detection enabled</source>
        <translation>启用异常检测</translation>
    </message>
    <message>
        <source>Anomaly early warning</source>
        <translation>异常检测预警</translation>
    </message>
    <message>
        <source>Learn (s)</source>
        <translation>学习时长 (s)</translation>
    </message>
    <message>
        <source>Drift (σ)</source>
        <translation>漂移 (σ)</translation>
    </message>
    <message>
        <source>Step (σ)</source>
        <translation>阶跃 (σ)</translation>
    </message>
    <message>
        <source>Flat line (s)</source>
        <translation>数值僵直 (s)</translation>
    </message>
    <message>
        <source>Mode tag</source>
        <translation>工况位号</translation>
    </message>
    <message>
        <source>Level 1–4</source>
        <translation>等级 1–4</translation>
    </message>
    <message>
        <source>Per tag: empty fields are not set (priorities: the default).</source>
        <translation>按位号设置：留空表示不设置（级别留空为默认值）。</translation>
    </message>
    <message>
        <source>No tag selected</source>
        <translation>未选择位号</translation>
    </message>
    <message>
        <source>this tag&apos;s own setting</source>
        <translation>本位号自身设置</translation>
    </message>
    <message>
        <source>plant default: every tag</source>
        <translation>全厂默认：所有位号</translation>
    </message>
    <message>
        <source>plant default: member of a hazard source</source>
        <translation>全厂默认：危险源成员</translation>
    </message>
    <message>
        <source>plant default: tag with an alarm limit</source>
        <translation>全厂默认：设有报警限值的位号</translation>
    </message>
    <message>
        <source>plant default: hazard-source members and tags with limits only</source>
        <translation>全厂默认：仅危险源成员及设有限值的位号</translation>
    </message>
    <message>
        <source>plant default: only tags that turn it on</source>
        <translation>全厂默认：仅自行开启的位号</translation>
    </message>
    <message>
        <source>In force: on ({why})</source>
        <translation>实际生效：开（{why}）</translation>
    </message>
    <message>
        <source>In force: off ({why})</source>
        <translation>实际生效：关（{why}）</translation>
    </message>
</context>
<context>
    <name>AssignForm</name>
    <message>
        <source>Rectification of {code}</source>
        <translation>{code} 整改</translation>
    </message>
    <message>
        <source>Measures</source>
        <translation>整改措施</translation>
    </message>
    <message>
        <source>Responsible</source>
        <translation>责任人</translation>
    </message>
    <message>
        <source>Funds</source>
        <translation>整改资金</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>整改期限</translation>
    </message>
    <message>
        <source>Emergency plan</source>
        <translation>应急预案</translation>
    </message>
</context>
<context>
    <name>BrowseDialog</name>
    <message>
        <source>Browse {endpoint}</source>
        <translation>浏览 {endpoint}</translation>
    </message>
    <message>
        <source>name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>class</source>
        <translation>节点类别</translation>
    </message>
    <message>
        <source>data type</source>
        <translation>数据类型</translation>
    </message>
    <message>
        <source>node id</source>
        <translation>节点 ID</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <source>Browse failed: {error}</source>
        <translation>浏览失败：{error}</translation>
    </message>
    <message>
        <source>{n} nodes</source>
        <translation>{n} 个节点</translation>
    </message>
    <message>
        <source>Pick a variable</source>
        <translation>请选择一个变量节点</translation>
    </message>
</context>
<context>
    <name>ClockLabel</name>
    <message>
        <source>Accelerated demo: the plant runs {speed} times faster than real time. Every time on screen (trends, alarms, history) is plant time; countdowns are in plant minutes.</source>
        <translation>加速演示：工厂时间比实际时间快 {speed} 倍。屏幕上的所有时间（趋势、报警、历史）均为工厂时间；倒计时以工厂分钟计。</translation>
    </message>
    <message>
        <source>Plant clock ×{speed}  {time}</source>
        <translation>工厂时钟 ×{speed}  {time}</translation>
    </message>
</context>
<context>
    <name>CredentialsForm</name>
    <message>
        <source>user name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Password again</source>
        <translation>再次输入密码</translation>
    </message>
</context>
<context>
    <name>DangerForm</name>
    <message>
        <source>Register a hidden danger</source>
        <translation>登记隐患</translation>
    </message>
    <message>
        <source>Hazard source</source>
        <translation>危险源</translation>
    </message>
    <message>
        <source>Hidden danger</source>
        <translation>隐患</translation>
    </message>
    <message>
        <source>Grade</source>
        <translation>等级</translation>
    </message>
    <message>
        <source>Major hazard criterion</source>
        <translation>重大事故隐患判定条款</translation>
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
    <name>DevicesPage</name>
    <message>
        <source>Add Modbus TCP</source>
        <translation>添加 Modbus TCP</translation>
    </message>
    <message>
        <source>Add OPC UA</source>
        <translation>添加 OPC UA</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>No device. Add a Modbus TCP or OPC UA device.</source>
        <translation>尚无设备。请添加 Modbus TCP 或 OPC UA 设备。</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>测试连接</translation>
    </message>
    <message>
        <source>name: another device is called {name}</source>
        <translation>名称：已有设备名为 {name}</translation>
    </message>
    <message>
        <source>fix the errors below first</source>
        <translation>请先修正下方的错误</translation>
    </message>
    <message>
        <source>Testing {device}…</source>
        <translation>正在测试 {device}…</translation>
    </message>
    <message>
        <source>OK — {ms} ms round trip. {message}</source>
        <translation>正常 — 往返 {ms} ms。{message}</translation>
    </message>
    <message>
        <source>Failed: {message}</source>
        <translation>失败：{message}</translation>
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
        <source>Operating state: {state}</source>
        <translation>运行状态：{state}</translation>
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
        <source>By {method}</source>
        <translation>依据：{method}</translation>
    </message>
    <message>
        <source>major hazard, GB 18218 grade {grade} (registration)</source>
        <translation>重大危险源，GB 18218 {grade} 级（备案分级）</translation>
    </message>
    <message>
        <source>not a major hazard (S &lt; 1)</source>
        <translation>不构成重大危险源（S &lt; 1）</translation>
    </message>
    <message>
        <source>declared: {reason}</source>
        <translation>已申明：{reason}</translation>
    </message>
    <message>
        <source>floor applied: the evaluation alone gives {level}</source>
        <translation>已按直接判定取下限：单按评价为 {level}</translation>
    </message>
    <message>
        <source>floor applied</source>
        <translation>已按直接判定取下限</translation>
    </message>
    <message>
        <source>Indicators (first {n} of {total})</source>
        <translation>指标（共 {total} 项，显示前 {n} 项）</translation>
    </message>
</context>
<context>
    <name>HazardsPage</name>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Add from template…</source>
        <translation>从模板添加…</translation>
    </message>
    <message>
        <source>name_zh: what the Chinese screens show (empty: the name)</source>
        <translation>name_zh：中文界面显示的名称（为空时显示名称）</translation>
    </message>
    <message>
        <source>one tag name per line</source>
        <translation>每行一个位号</translation>
    </message>
    <message>
        <source>bool tags, 1 = in service; one per line</source>
        <translation>开关量位号，1 = 投用；每行一个</translation>
    </message>
    <message>
        <source>Hazard source</source>
        <translation>危险源</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Name in Chinese</source>
        <translation>中文名称</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <source>Indicators</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Interlocks</source>
        <translation>联锁</translation>
    </message>
    <message>
        <source>Area</source>
        <translation>区域</translation>
    </message>
    <message>
        <source>Add substance</source>
        <translation>添加物质</translation>
    </message>
    <message>
        <source>Remove substance</source>
        <translation>删除物质</translation>
    </message>
    <message>
        <source>Inherent level (1 = I … 4 = IV)</source>
        <translation>固有风险等级（1 = I … 4 = IV）</translation>
    </message>
    <message>
        <source>D = L × E × C: I from {i}, II from {ii}, III from {iii}</source>
        <translation>D = L × E × C：≥ {i} 为 I 级，≥ {ii} 为 II 级，≥ {iii} 为 III 级</translation>
    </message>
    <message>
        <source>L likelihood</source>
        <translation>L 事故发生可能性</translation>
    </message>
    <message>
        <source>E exposure</source>
        <translation>E 暴露频繁程度</translation>
    </message>
    <message>
        <source>C consequence</source>
        <translation>C 后果严重程度</translation>
    </message>
    <message>
        <source>L likelihood (1–5)</source>
        <translation>L 可能性 (1–5)</translation>
    </message>
    <message>
        <source>S severity (1–5)</source>
        <translation>S 严重性 (1–5)</translation>
    </message>
    <message>
        <source>Major hazard identification (GB 18218-2018)</source>
        <translation>重大危险源辨识（GB 18218-2018）</translation>
    </message>
    <message>
        <source>S = Σ q/Q ≥ 1: a major hazard, red by direct determination; its grade is for registration</source>
        <translation>S = Σ q/Q ≥ 1 为重大危险源，直接判定为红色；其分级用于备案</translation>
    </message>
    <message>
        <source>People exposed within 500 m</source>
        <translation>500 m 内暴露人数</translation>
    </message>
    <message>
        <source>e.g. 10 or more people work in a toxic gas area</source>
        <translation>例如：有毒气体区域作业人员 10 人及以上</translation>
    </message>
    <message>
        <source>Another condition the risk-grading standard determines directly as a major risk</source>
        <translation>风险分级标准直接判定为重大风险的其他情形</translation>
    </message>
    <message>
        <source>Inherent risk</source>
        <translation>固有风险</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>评价方法</translation>
    </message>
    <message>
        <source>Direct determination</source>
        <translation>直接判定</translation>
    </message>
    <message>
        <source>Redraw a source&apos;s area on the Map page.</source>
        <translation>危险源区域请在“厂区图”页重新绘制。</translation>
    </message>
    <message>
        <source>(no name)</source>
        <translation>（未命名）</translation>
    </message>
    <message>
        <source>catalogue</source>
        <translation>物质目录</translation>
    </message>
    <message>
        <source>name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>empty: the catalogue&apos;s value</source>
        <translation>留空：取物质目录中的值</translation>
    </message>
    <message>
        <source>{n} points</source>
        <translation>{n} 个点</translation>
    </message>
    <message>
        <source>unknown indicator tag {name}</source>
        <translation>未知的指标位号 {name}</translation>
    </message>
    <message>
        <source>unknown interlock tag {name}</source>
        <translation>未知的联锁位号 {name}</translation>
    </message>
    <message>
        <source>Inherent level {level}. {explanation}</source>
        <translation>固有风险等级 {level}。{explanation}</translation>
    </message>
    <message>
        <source>Hazard source {n}</source>
        <translation>危险源 {n}</translation>
    </message>
</context>
<context>
    <name>HiddenDangersDialog</name>
    <message>
        <source>Code</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Hazard source</source>
        <translation>危险源</translation>
    </message>
    <message>
        <source>Hidden danger</source>
        <translation>隐患</translation>
    </message>
    <message>
        <source>Grade</source>
        <translation>等级</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Responsible</source>
        <translation>责任人</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>整改期限</translation>
    </message>
    <message>
        <source>Measures</source>
        <translation>整改措施</translation>
    </message>
    <message>
        <source>Hidden dangers</source>
        <translation>隐患台账</translation>
    </message>
    <message>
        <source>Show accepted and dismissed</source>
        <translation>显示已验收和已驳回</translation>
    </message>
    <message>
        <source>Register…</source>
        <translation>登记…</translation>
    </message>
    <message>
        <source>Assign…</source>
        <translation>下达整改…</translation>
    </message>
    <message>
        <source>Rectified</source>
        <translation>已整改</translation>
    </message>
    <message>
        <source>Accept</source>
        <translation>验收</translation>
    </message>
    <message>
        <source>Refuse acceptance</source>
        <translation>验收不通过</translation>
    </message>
    <message>
        <source>Confirm draft</source>
        <translation>确认草稿</translation>
    </message>
    <message>
        <source>Dismiss draft</source>
        <translation>驳回草稿</translation>
    </message>
    <message>
        <source>Weekly report (PDF)…</source>
        <translation>周报 (PDF)…</translation>
    </message>
    <message>
        <source>Select a hidden danger first</source>
        <translation>请先选择一条隐患</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>Weekly report</source>
        <translation>周报</translation>
    </message>
    <message>
        <source>Written: {path}</source>
        <translation>已写入：{path}</translation>
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
    <name>InspectionRound</name>
    <message>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Hazard source</source>
        <translation>危险源</translation>
    </message>
    <message>
        <source>Control measure</source>
        <translation>管控措施</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>到期</translation>
    </message>
    <message>
        <source>Inspection round</source>
        <translation>隐患排查</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>Finding…</source>
        <translation>发现问题…</translation>
    </message>
    <message>
        <source>Generate tasks</source>
        <translation>生成任务</translation>
    </message>
    <message>
        <source>Import handheld CSV…</source>
        <translation>导入手持终端 CSV…</translation>
    </message>
    <message>
        <source>Generating inspection tasks needs the safety manager role or higher</source>
        <translation>生成排查任务需要安全管理员或更高角色</translation>
    </message>
    <message>
        <source>{n} new tasks</source>
        <translation>新增 {n} 项任务</translation>
    </message>
    <message>
        <source>Select a task first</source>
        <translation>请先选择一项任务</translation>
    </message>
    <message>
        <source>Finding</source>
        <translation>发现问题</translation>
    </message>
    <message>
        <source>What was found</source>
        <translation>发现了什么</translation>
    </message>
    <message>
        <source>Import a handheld&apos;s round</source>
        <translation>导入手持终端的排查记录</translation>
    </message>
</context>
<context>
    <name>InventoryDialog</name>
    <message>
        <source>Level</source>
        <translation>等级</translation>
    </message>
    <message>
        <source>Hazard source</source>
        <translation>危险源</translation>
    </message>
    <message>
        <source>Risk point</source>
        <translation>风险点</translation>
    </message>
    <message>
        <source>Activity</source>
        <translation>作业活动</translation>
    </message>
    <message>
        <source>Evaluation</source>
        <translation>评价</translation>
    </message>
    <message>
        <source>Responsible</source>
        <translation>管控层级</translation>
    </message>
    <message>
        <source>Control measures</source>
        <translation>管控措施</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>Risk inventory</source>
        <translation>风险分级管控清单</translation>
    </message>
</context>
<context>
    <name>InventoryPage</name>
    <message>
        <source>The risk inventory is kept in the plant&apos;s history database: none is open.</source>
        <translation>风险分级管控清单保存在本厂的历史数据库中：当前未打开数据库。</translation>
    </message>
    <message>
        <source>Risk points with their LEC or LS evaluation, control measures and the level responsible. Each change is stored at once as a new version and audited; Apply is not needed.</source>
        <translation>风险点及其 LEC 或 LS 评价、管控措施与管控层级。每次修改即时保存为新版本并记入审计，无需点击“应用”。</translation>
    </message>
</context>
<context>
    <name>InventoryPanel</name>
    <message>
        <source>Add…</source>
        <translation>新增…</translation>
    </message>
    <message>
        <source>Change…</source>
        <translation>修改…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Import CSV…</source>
        <translation>导入 CSV…</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <source>Import risk inventory</source>
        <translation>导入风险清单</translation>
    </message>
    <message>
        <source>Export risk inventory</source>
        <translation>导出风险清单</translation>
    </message>
    <message>
        <source>Written: {path}</source>
        <translation>已写入：{path}</translation>
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
    <name>LimitDialog</name>
    <message>
        <source>Change limit</source>
        <translation>修改限值</translation>
    </message>
    <message>
        <source>empty: no limit</source>
        <translation>留空：不设限值</translation>
    </message>
    <message>
        <source>Send to the server</source>
        <translation>发送到服务器</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Tag</source>
        <translation>位号</translation>
    </message>
    <message>
        <source>Limit</source>
        <translation>限值</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <source>Not a number: {text}</source>
        <translation>不是数字：{text}</translation>
    </message>
    <message>
        <source>Sent; waiting for the server…</source>
        <translation>已发送，等待服务器应答…</translation>
    </message>
    <message>
        <source>Refused by the server: {reason}</source>
        <translation>服务器拒绝：{reason}</translation>
    </message>
    <message>
        <source>Done: the server applied it</source>
        <translation>完成：服务器已应用</translation>
    </message>
</context>
<context>
    <name>ListShape</name>
    <message>
        <source>{n} rows imported</source>
        <translation>已导入 {n} 行</translation>
    </message>
    <message>
        <source>line {line}: {error}</source>
        <translation>第 {line} 行：{error}</translation>
    </message>
</context>
<context>
    <name>LockScreen</name>
    <message>
        <source>Screen locked</source>
        <translation>屏幕已锁定</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <source>Alarms are still annunciated: the banner above stays live and the horn sounds.</source>
        <translation>报警仍在正常提示：上方报警条保持实时，声响照常。</translation>
    </message>
    <message>
        <source>Logged out</source>
        <translation>已注销</translation>
    </message>
    <message>
        <source>Enter your user name.</source>
        <translation>请输入用户名。</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>Forewarn — first administrator</source>
        <translation>Forewarn — 首位管理员</translation>
    </message>
    <message>
        <source>Forewarn — log in</source>
        <translation>Forewarn — 登录</translation>
    </message>
    <message>
        <source>Create the first administrator</source>
        <translation>创建首位管理员</translation>
    </message>
    <message>
        <source>This plant has no user accounts yet. The administrator you create here manages the others (Users…). The password needs at least {n} characters.</source>
        <translation>本厂尚无用户账户。在此创建的管理员负责管理其他用户（用户管理…）。密码至少 {n} 个字符。</translation>
    </message>
    <message>
        <source>Create administrator</source>
        <translation>创建管理员</translation>
    </message>
    <message>
        <source>Log in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Enter your user name.</source>
        <translation>请输入用户名。</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Forewarn — {plant}</source>
        <translation>Forewarn — {plant}</translation>
    </message>
    <message>
        <source>Alarm banner</source>
        <translation>报警条</translation>
    </message>
    <message>
        <source>Trends</source>
        <translation>趋势</translation>
    </message>
    <message>
        <source>Alarms</source>
        <translation>报警</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>位号</translation>
    </message>
    <message>
        <source>Show or hide the tag browser</source>
        <translation>显示或隐藏位号浏览器</translation>
    </message>
    <message>
        <source>Hazard source</source>
        <translation>危险源</translation>
    </message>
    <message>
        <source>Plant risk</source>
        <translation>全厂风险</translation>
    </message>
    <message>
        <source>&amp;Alarms</source>
        <translation>报警(&amp;A)</translation>
    </message>
    <message>
        <source>Acknowledge selected</source>
        <translation>确认所选报警</translation>
    </message>
    <message>
        <source>Acknowledge all visible</source>
        <translation>确认全部可见报警</translation>
    </message>
    <message>
        <source>Go to banner alarm</source>
        <translation>转到报警条中的报警</translation>
    </message>
    <message>
        <source>Show the banner alarm&apos;s place and trend</source>
        <translation>显示报警条中报警的位置和趋势</translation>
    </message>
    <message>
        <source>Silence horn</source>
        <translation>消音</translation>
    </message>
    <message>
        <source>Stop the horn until a new alarm; acknowledges nothing</source>
        <translation>停止声响直到有新报警；不确认任何报警</translation>
    </message>
    <message>
        <source>Alarm history…</source>
        <translation>报警历史…</translation>
    </message>
    <message>
        <source>Journal and KPIs of a shift or period</source>
        <translation>某班次或时段的报警日志与 KPI</translation>
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
        <source>Unshelve selected</source>
        <translation>取消搁置所选报警</translation>
    </message>
    <message>
        <source>Put the selected shelved alarms back on the list</source>
        <translation>将所选已搁置报警放回报警列表</translation>
    </message>
    <message>
        <source>Take out of service…</source>
        <translation>退出服务…</translation>
    </message>
    <message>
        <source>Take the selected alarms out of service, with a reason (maintenance, a failed instrument)</source>
        <translation>将所选报警退出服务，并说明原因（检修、仪表故障）</translation>
    </message>
    <message>
        <source>Return to service</source>
        <translation>恢复服务</translation>
    </message>
    <message>
        <source>Put the selected alarms back in service</source>
        <translation>将所选报警恢复服务</translation>
    </message>
    <message>
        <source>The alarm action was not done: {error}</source>
        <translation>报警操作未执行：{error}</translation>
    </message>
    <message>
        <source>Operating state…</source>
        <translation>运行状态…</translation>
    </message>
    <message>
        <source>Declare the selected hazard source running, reduced, down or under maintenance, with a reason; maintenance suppresses its alarms by design and mutes its risk</source>
        <translation>声明所选危险源为运行、减产、停运或检修，并注明原因；检修期间其报警按设计抑制，风险不按实时证据升级</translation>
    </message>
    <message>
        <source>Select a hazard source first (map or Plant risk)</source>
        <translation>请先选择一个危险源（在地图或全厂风险中）</translation>
    </message>
    <message>
        <source>Suppress…</source>
        <translation>抑制…</translation>
    </message>
    <message>
        <source>Suppress the selected alarms until lifted, with a reason (equipment stopped, a known fault being worked on); they are still recorded</source>
        <translation>抑制所选报警直至解除，需填写原因（设备停运、已知故障处理中）；报警仍会记录</translation>
    </message>
    <message>
        <source>Lift suppression</source>
        <translation>解除抑制</translation>
    </message>
    <message>
        <source>Put the selected suppressed alarms back on the list</source>
        <translation>将所选已抑制的报警放回列表</translation>
    </message>
    <message>
        <source>Why? (selected alarm)</source>
        <translation>为什么？（所选报警）</translation>
    </message>
    <message>
        <source>The limit and trend behind the selected alarm, or the data and reasoning behind an early warning</source>
        <translation>所选报警的限值与趋势，或预警背后的数据与推理</translation>
    </message>
    <message>
        <source>Alarm responses…</source>
        <translation>报警处置反馈…</translation>
    </message>
    <message>
        <source>&amp;Plant</source>
        <translation>工厂(&amp;P)</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <source>Devices, tags, alarms, hazard sources, rules and map of this plant</source>
        <translation>本厂的设备、位号、报警、危险源、规则与厂区图</translation>
    </message>
    <message>
        <source>Regulator link…</source>
        <translation>监管平台联网…</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>Fit map</source>
        <translation>厂区图适应窗口</translation>
    </message>
    <message>
        <source>Trend: last 10 min</source>
        <translation>趋势：最近 10 分钟</translation>
    </message>
    <message>
        <source>Trend: last hour</source>
        <translation>趋势：最近 1 小时</translation>
    </message>
    <message>
        <source>Reset layout</source>
        <translation>恢复默认布局</translation>
    </message>
    <message>
        <source>&amp;User</source>
        <translation>用户(&amp;U)</translation>
    </message>
    <message>
        <source>Switch user…</source>
        <translation>切换用户…</translation>
    </message>
    <message>
        <source>Log in as another user</source>
        <translation>以其他用户身份登录</translation>
    </message>
    <message>
        <source>Lock screen</source>
        <translation>锁定屏幕</translation>
    </message>
    <message>
        <source>Cover the plant until a password is given</source>
        <translation>遮盖画面，输入密码后解锁</translation>
    </message>
    <message>
        <source>Log out</source>
        <translation>注销</translation>
    </message>
    <message>
        <source>End this user&apos;s session</source>
        <translation>结束当前用户的会话</translation>
    </message>
    <message>
        <source>Users…</source>
        <translation>用户管理…</translation>
    </message>
    <message>
        <source>Add and remove users, set roles and passwords</source>
        <translation>添加和删除用户，设置角色和密码</translation>
    </message>
    <message>
        <source>The audit trail could not be written (see the log)</source>
        <translation>无法写入审计记录（详见日志）</translation>
    </message>
    <message>
        <source>Take out of service</source>
        <translation>退出服务</translation>
    </message>
    <message>
        <source>Reason for taking {n} alarm(s) out of service:</source>
        <translation>将 {n} 条报警退出服务的原因：</translation>
    </message>
    <message>
        <source>Suppress alarms</source>
        <translation>抑制报警</translation>
    </message>
    <message>
        <source>Reason for suppressing {n} alarm(s):</source>
        <translation>抑制 {n} 条报警的原因：</translation>
    </message>
    <message>
        <source>Configuration saved ({n} changes); restart to run it</source>
        <translation>配置已保存（{n} 处更改）；重启后生效</translation>
    </message>
    <message>
        <source>A configuration is still being applied; apply again once it is done</source>
        <translation>上一项配置仍在应用中，完成后再应用</translation>
    </message>
    <message>
        <source>Applying the configuration…</source>
        <translation>正在应用配置…</translation>
    </message>
    <message>
        <source>Configuration not applied</source>
        <translation>配置未应用</translation>
    </message>
    <message>
        <source>Configuration applied: {added} tag(s) added, {removed} removed; reconnected: {devices}</source>
        <translation>配置已应用：新增 {added} 个位号，删除 {removed} 个；重新连接：{devices}</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Work permits…</source>
        <translation>特殊作业票…</translation>
    </message>
    <message>
        <source>Hot work, confined space, gas-area work, height and lifts: register with a gas test, suspend, end</source>
        <translation>动火、受限空间、煤气区域、高处和吊装作业：气体检测后登记，暂停，结束</translation>
    </message>
    <message>
        <source>Hidden dangers…</source>
        <translation>隐患台账…</translation>
    </message>
    <message>
        <source>The hidden-danger register: register, rectify, accept; the weekly report</source>
        <translation>隐患台账：登记、整改、验收；周报</translation>
    </message>
    <message>
        <source>Risk inventory…</source>
        <translation>风险分级管控清单…</translation>
    </message>
    <message>
        <source>Risk points with their LEC or LS evaluation and control measures; CSV import and export</source>
        <translation>风险点及其 LEC 或 LS 评价和管控措施；CSV 导入导出</translation>
    </message>
    <message>
        <source>Inspection round…</source>
        <translation>隐患排查…</translation>
    </message>
    <message>
        <source>The inspections due: OK or a finding registered as a hidden danger</source>
        <translation>到期的排查任务：正常，或将发现的问题登记为隐患</translation>
    </message>
    <message>
        <source>Server link</source>
        <translation>服务器连接</translation>
    </message>
    <message>
        <source>Connected to the server</source>
        <translation>已连接到服务器</translation>
    </message>
    <message>
        <source>No connection to the server: values are not live</source>
        <translation>与服务器的连接中断：数值不是实时值</translation>
    </message>
</context>
<context>
    <name>MapPage</name>
    <message>
        <source>Redraw area</source>
        <translation>重新绘制区域</translation>
    </message>
    <message>
        <source>Click the area&apos;s corners on the map, then Finish (Esc cancels)</source>
        <translation>在图上依次点击区域各角点，然后点“完成”（Esc 取消）</translation>
    </message>
    <message>
        <source>Finish</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Place on map</source>
        <translation>放置到图上</translation>
    </message>
    <message>
        <source>Then click where the detector is mounted</source>
        <translation>然后点击探测器的安装位置</translation>
    </message>
    <message>
        <source>Drag a detector to move it.</source>
        <translation>拖动探测器可移动其位置。</translation>
    </message>
    <message>
        <source>Hazard source:</source>
        <translation>危险源：</translation>
    </message>
    <message>
        <source>Tag without position:</source>
        <translation>无位置的位号：</translation>
    </message>
    <message>
        <source>{n} points; Finish when done.</source>
        <translation>已取 {n} 个点；完成后点“完成”。</translation>
    </message>
    <message>
        <source>{tag} moved to ({x}, {y})</source>
        <translation>{tag} 已移至 ({x}, {y})</translation>
    </message>
    <message>
        <source>Click where {tag} is mounted.</source>
        <translation>请点击 {tag} 的安装位置。</translation>
    </message>
    <message>
        <source>{tag} placed at ({x}, {y})</source>
        <translation>{tag} 已放置于 ({x}, {y})</translation>
    </message>
    <message>
        <source>Click the corners of {hazard}; Finish when done.</source>
        <translation>请点击 {hazard} 的各角点；完成后点“完成”。</translation>
    </message>
    <message>
        <source>An area needs at least 3 points.</source>
        <translation>区域至少需要 3 个点。</translation>
    </message>
    <message>
        <source>{hazard}: new area of {n} points</source>
        <translation>{hazard}：新区域共 {n} 个点</translation>
    </message>
</context>
<context>
    <name>ModbusForm</name>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Tags name their device by this</source>
        <translation>位号通过此名称引用设备</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>主机</translation>
    </message>
    <message>
        <source>IP address or host name of the PLC or gateway</source>
        <translation>PLC 或网关的 IP 地址或主机名</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <source>Modbus TCP port, usually 502</source>
        <translation>Modbus TCP 端口，通常为 502</translation>
    </message>
    <message>
        <source>Unit id</source>
        <translation>单元号</translation>
    </message>
    <message>
        <source>Modbus unit (slave) id; 1 for most PLCs, 255 for some gateways</source>
        <translation>Modbus 单元（从站）号；多数 PLC 为 1，部分网关为 255</translation>
    </message>
    <message>
        <source>Timeout</source>
        <translation>超时</translation>
    </message>
    <message>
        <source>Scan period</source>
        <translation>扫描周期</translation>
    </message>
    <message>
        <source>Word order</source>
        <translation>字序</translation>
    </message>
    <message>
        <source>big — ABCD (high word first)</source>
        <translation>big — ABCD（高字在前）</translation>
    </message>
    <message>
        <source>little — CDAB (low word first)</source>
        <translation>little — CDAB（低字在前）</translation>
    </message>
    <message>
        <source>How 32- and 64-bit values are split over registers; a tag may override it</source>
        <translation>32 位和 64 位数值在寄存器中的排列方式；位号可单独设置</translation>
    </message>
    <message>
        <source>registers</source>
        <translation>个寄存器</translation>
    </message>
    <message>
        <source>Max block</source>
        <translation>最大读取块</translation>
    </message>
    <message>
        <source>Registers per request</source>
        <translation>每次请求读取的寄存器数</translation>
    </message>
    <message>
        <source>Max gap</source>
        <translation>最大间隙</translation>
    </message>
    <message>
        <source>Unused registers read to merge two requests</source>
        <translation>为合并两次请求而一并读取的空闲寄存器数</translation>
    </message>
    <message>
        <source>Enabled</source>
        <translation>启用</translation>
    </message>
</context>
<context>
    <name>NotificationsPage</name>
    <message>
        <source>Send notifications</source>
        <translation>发送通知</translation>
    </message>
    <message>
        <source>HH:MM</source>
        <translation>时:分</translation>
    </message>
    <message>
        <source>Store in the secret store</source>
        <translation>存入密钥库</translation>
    </message>
    <message>
        <source>Send test message</source>
        <translation>发送测试消息</translation>
    </message>
    <message>
        <source>General</source>
        <translation>常规</translation>
    </message>
    <message>
        <source>Quiet hours (everyone; priority I goes through)</source>
        <translation>免打扰时段（对所有人；I 级仍然发送）</translation>
    </message>
    <message>
        <source>Channels, recipients and rules (YAML)</source>
        <translation>通道、接收人与规则（YAML）</translation>
    </message>
    <message>
        <source>Credentials</source>
        <translation>凭据</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>测试</translation>
    </message>
    <message>
        <source>Notifications</source>
        <translation>通知</translation>
    </message>
    <message>
        <source>Alarms and early warnings that reach people off the console by e-mail and chat robots: rules by priority, area and hazard source, escalation when unacknowledged.</source>
        <translation>通过电子邮件和群机器人把报警与预警送达不在操作台前的人员：按优先级、区域和危险源设定规则，未确认时逐级上报。</translation>
    </message>
    <message>
        <source>Only an administrator changes notifications.</source>
        <translation>仅管理员可修改通知设置。</translation>
    </message>
    <message>
        <source>a mapping of channels, recipients and rules</source>
        <translation>应为包含通道、接收人与规则的映射</translation>
    </message>
    <message>
        <source>Not applied until it is valid YAML: {error}</source>
        <translation>YAML 有误，修正前不会应用：{error}</translation>
    </message>
    <message>
        <source>Fix the section first: {error}</source>
        <translation>请先修正通知设置：{error}</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>正在发送…</translation>
    </message>
</context>
<context>
    <name>OpcUaForm</name>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Tags name their device by this</source>
        <translation>位号通过此名称引用设备</translation>
    </message>
    <message>
        <source>Endpoint</source>
        <translation>端点</translation>
    </message>
    <message>
        <source>Publishing interval</source>
        <translation>发布间隔</translation>
    </message>
    <message>
        <source>Timeout</source>
        <translation>超时</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>模式</translation>
    </message>
    <message>
        <source>subscription</source>
        <translation>订阅</translation>
    </message>
    <message>
        <source>poll</source>
        <translation>轮询</translation>
    </message>
    <message>
        <source>Enabled</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>Security policy</source>
        <translation>安全策略</translation>
    </message>
    <message>
        <source>Security mode</source>
        <translation>安全模式</translation>
    </message>
    <message>
        <source>Client certificate</source>
        <translation>客户端证书</translation>
    </message>
    <message>
        <source>This client&apos;s certificate (PEM or DER)</source>
        <translation>本客户端的证书（PEM 或 DER）</translation>
    </message>
    <message>
        <source>Private key</source>
        <translation>私钥</translation>
    </message>
    <message>
        <source>The certificate&apos;s private key (PEM)</source>
        <translation>证书的私钥（PEM）</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Empty: anonymous</source>
        <translation>留空：匿名登录</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Kept in the data directory&apos;s secret store; the plant file only names it</source>
        <translation>保存在数据目录的密钥库中；工厂配置文件只记录其名称</translation>
    </message>
</context>
<context>
    <name>OperatingStateDialog</name>
    <message>
        <source>Operating state: {hazard}</source>
        <translation>运行状态：{hazard}</translation>
    </message>
    <message>
        <source>Why (required): relining, 休风 for tuyere change, …</source>
        <translation>原因（必填）：如大修换衬、休风更换风口……</translation>
    </message>
    <message>
        <source>Until</source>
        <translation>截止</translation>
    </message>
    <message>
        <source>Now: {state}</source>
        <translation>当前：{state}</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
</context>
<context>
    <name>PeriodPage</name>
    <message>
        <source>Online rate {online}, completeness {complete}; responses {given} of {n} given, {overdue} overdue</source>
        <translation>在线率 {online}，完整率 {complete}；处置反馈已填报 {given}/{n}，超期 {overdue}</translation>
    </message>
    <message>
        <source>Refused by the platform: {n}</source>
        <translation>平台拒收：{n} 条</translation>
    </message>
</context>
<context>
    <name>PermitForm</name>
    <message>
        <source>New work permit</source>
        <translation>新建作业票</translation>
    </message>
    <message>
        <source>What is done, by whom (crew, contractor)</source>
        <translation>作业内容、作业单位（班组、承包商）</translation>
    </message>
    <message>
        <source>Detector</source>
        <translation>检测器</translation>
    </message>
    <message>
        <source>Reading</source>
        <translation>读数</translation>
    </message>
    <message>
        <source>Entry limit</source>
        <translation>进入限值</translation>
    </message>
    <message>
        <source>Read detectors again</source>
        <translation>重新读取检测器</translation>
    </message>
    <message>
        <source>Issue</source>
        <translation>签发</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Area</source>
        <translation>区域</translation>
    </message>
    <message>
        <source>People</source>
        <translation>人数</translation>
    </message>
    <message>
        <source>From</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Until</source>
        <translation>结束</translation>
    </message>
    <message>
        <source>Work</source>
        <translation>作业内容</translation>
    </message>
    <message>
        <source>Gas test (the area&apos;s detectors now)</source>
        <translation>气体检测（该区域检测器当前读数）</translation>
    </message>
    <message>
        <source>Refused: {reasons}</source>
        <translation>不予签发：{reasons}</translation>
    </message>
</context>
<context>
    <name>PermitsDialog</name>
    <message>
        <source>Permit</source>
        <translation>作业票</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Area</source>
        <translation>区域</translation>
    </message>
    <message>
        <source>People</source>
        <translation>人数</translation>
    </message>
    <message>
        <source>From</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Until</source>
        <translation>结束</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Issued by</source>
        <translation>签发人</translation>
    </message>
    <message>
        <source>Work permits</source>
        <translation>特殊作业票</translation>
    </message>
    <message>
        <source>New permit…</source>
        <translation>新建作业票…</translation>
    </message>
    <message>
        <source>Suspend</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>End</source>
        <translation>结束</translation>
    </message>
    <message>
        <source>Select a permit first</source>
        <translation>请先选择一张作业票</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
</context>
<context>
    <name>PointForm</name>
    <message>
        <source>Risk point</source>
        <translation>风险点</translation>
    </message>
    <message>
        <source>Hazard source</source>
        <translation>危险源</translation>
    </message>
    <message>
        <source>Activity</source>
        <translation>作业活动</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>评价方法</translation>
    </message>
    <message>
        <source>L, E, C / L, S</source>
        <translation>L、E、C / L、S</translation>
    </message>
</context>
<context>
    <name>ProbeDialog</name>
    <message>
        <source>Probe {address}</source>
        <translation>读取测试 {address}</translation>
    </message>
    <message>
        <source>Registers from {address}: {registers}</source>
        <translation>自 {address} 起的寄存器：{registers}</translation>
    </message>
    <message>
        <source>type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>big (ABCD)</source>
        <translation>big (ABCD)</translation>
    </message>
    <message>
        <source>little (CDAB)</source>
        <translation>little (CDAB)</translation>
    </message>
    <message>
        <source>Bits of the first register (15…0): {bits}</source>
        <translation>首个寄存器的各位 (15…0)：{bits}</translation>
    </message>
    <message>
        <source>Round trip {ms} ms. The tag reads it as {type}, {order} word order.</source>
        <translation>往返 {ms} ms。该位号按 {type}、{order} 字序读取。</translation>
    </message>
    <message>
        <source>Round trip {ms} ms. The tag reads it as {type}.</source>
        <translation>往返 {ms} ms。该位号按 {type} 读取。</translation>
    </message>
</context>
<context>
    <name>ResponsesDialog</name>
    <message>
        <source>Alarm responses</source>
        <translation>报警处置反馈</translation>
    </message>
    <message>
        <source>Alarm responses due</source>
        <translation>待填报的报警处置反馈</translation>
    </message>
    <message>
        <source>Respond…</source>
        <translation>填报…</translation>
    </message>
    <message>
        <source>{n} responses: {given} given, {overdue} overdue</source>
        <translation>共 {n} 条处置反馈：已填报 {given}，超期 {overdue}</translation>
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
        <source>index {value}</source>
        <translation>风险指数 {value}</translation>
    </message>
    <message>
        <source>No risk evaluation yet</source>
        <translation>尚无风险评估</translation>
    </message>
    <message>
        <source>{n} raised by live evidence</source>
        <translation>{n} 个因实时证据升级</translation>
    </message>
    <message>
        <source>calibration: {n} overdue</source>
        <translation>校准：{n} 个已逾期</translation>
    </message>
    <message>
        <source>calibration: {n} due this week</source>
        <translation>校准：{n} 个本周到期</translation>
    </message>
</context>
<context>
    <name>RiskTableModel</name>
    <message>
        <source>{n} overdue</source>
        <translation>{n} 个已逾期</translation>
    </message>
    <message>
        <source>{n} due this week</source>
        <translation>{n} 个本周到期</translation>
    </message>
    <message>
        <source>{tag}: overdue since {date}</source>
        <translation>{tag}：自 {date} 起逾期</translation>
    </message>
    <message>
        <source>{tag}: due {date}</source>
        <translation>{tag}：{date} 到期</translation>
    </message>
    <message>
        <source>for {duration}</source>
        <translation>持续 {duration}</translation>
    </message>
</context>
<context>
    <name>RulesPage</name>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>name_zh: what the Chinese screens show (empty: the name)</source>
        <translation>name_zh：中文界面显示的名称（为空时显示名称）</translation>
    </message>
    <message>
        <source>message_zh: what the Chinese screens show (empty: the message)</source>
        <translation>message_zh：中文界面显示的消息（为空时显示消息）</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Name in Chinese</source>
        <translation>中文名称</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>等级</translation>
    </message>
    <message>
        <source>Holds for</source>
        <translation>持续时间</translation>
    </message>
    <message>
        <source>Hazard source</source>
        <translation>危险源</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>报警信息</translation>
    </message>
    <message>
        <source>Message in Chinese</source>
        <translation>中文消息</translation>
    </message>
    <message>
        <source>When</source>
        <translation>条件</translation>
    </message>
    <message>
        <source>Tag names, numbers, and, or, not, comparisons; rising(TAG, s[, min]), falling, slope, delta, mean/min/max(TAG, s), held(cond, s), count_rising(PATTERN, s), count_above(PATTERN, x), cluster_rising(PATTERN, radius_m, n, s), offline(PATTERN).</source>
        <translation>可用位号名、数字、and、or、not、比较运算；rising(TAG, s[, min])、falling、slope、delta、mean/min/max(TAG, s)、held(cond, s)、count_rising(PATTERN, s)、count_above(PATTERN, x)、cluster_rising(PATTERN, radius_m, n, s)、offline(PATTERN)。</translation>
    </message>
    <message>
        <source>Detector {name} faulted: {error} (since {since}); not evaluated</source>
        <translation>检测器 {name} 故障：{error}（自 {since} 起）；未评估</translation>
    </message>
    <message>
        <source>Tag {tag}, {field} faulted: {error} (since {since}); see the Tags page</source>
        <translation>位号 {tag} 的 {field} 故障：{error}（自 {since} 起）；请查看位号页</translation>
    </message>
    <message>
        <source>(no name)</source>
        <translation>（未命名）</translation>
    </message>
    <message>
        <source>{name} (faulted)</source>
        <translation>{name}（故障）</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>a rule needs a condition</source>
        <translation>规则需要一个条件</translation>
    </message>
    <message>
        <source>faulted: {error} (since {since}); not evaluated by the running plant</source>
        <translation>故障：{error}（自 {since} 起）；运行中的系统未评估此规则</translation>
    </message>
    <message>
        <source>OK: uses {n} tags</source>
        <translation>正确：使用 {n} 个位号</translation>
    </message>
    <message>
        <source>Rule {n}</source>
        <translation>规则 {n}</translation>
    </message>
</context>
<context>
    <name>SecurityPage</name>
    <message>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <source>never</source>
        <translation>从不</translation>
    </message>
    <message>
        <source>Screen lock</source>
        <translation>屏幕锁定</translation>
    </message>
    <message>
        <source>Lock the screen after no input for</source>
        <translation>无操作多久后锁定屏幕</translation>
    </message>
    <message>
        <source>The alarm banner and the horn keep running on a locked screen; anyone may silence the horn, only a login unlocks.</source>
        <translation>屏幕锁定时报警条和声响照常工作；任何人都可消音，只有登录才能解锁。</translation>
    </message>
    <message>
        <source>Wrong passwords</source>
        <translation>密码错误</translation>
    </message>
    <message>
        <source>Lock an account after wrong passwords in a row</source>
        <translation>连续输错密码多少次后锁定账户</translation>
    </message>
    <message>
        <source>Keep it locked for</source>
        <translation>账户锁定时长</translation>
    </message>
    <message>
        <source>Security</source>
        <translation>安全</translation>
    </message>
    <message>
        <source>Session policy of the plant, the same on every workstation. Logins, failures and lockouts are audited.</source>
        <translation>本厂的会话策略，各操作站统一。登录、失败和锁定均记入审计记录。</translation>
    </message>
</context>
<context>
    <name>ServerLinkBanner</name>
    <message>
        <source>No connection to the server: the values shown are not live and commands cannot be sent</source>
        <translation>与服务器的连接中断：显示的数值不是实时值，无法发送操作命令</translation>
    </message>
</context>
<context>
    <name>Session</name>
    <message>
        <source>operator</source>
        <translation>操作员</translation>
    </message>
    <message>
        <source>supervisor</source>
        <translation>值班长</translation>
    </message>
    <message>
        <source>safety manager</source>
        <translation>安全管理员</translation>
    </message>
    <message>
        <source>engineer</source>
        <translation>工程师</translation>
    </message>
    <message>
        <source>administrator</source>
        <translation>管理员</translation>
    </message>
    <message>
        <source>{name} ({role})</source>
        <translation>{name}（{role}）</translation>
    </message>
    <message>
        <source>Needs the {role} role or higher</source>
        <translation>需要{role}或更高角色</translation>
    </message>
</context>
<context>
    <name>SessionControls</name>
    <message>
        <source>{user} locked the screen</source>
        <translation>{user}锁定了屏幕</translation>
    </message>
    <message>
        <source>{user}: locked after {n} min without input</source>
        <translation>{user}：{n} 分钟无操作，已锁定</translation>
    </message>
    <message>
        <source>{user}: locked after {n} s without input</source>
        <translation>{user}：{n} 秒无操作，已锁定</translation>
    </message>
    <message>
        <source>Log in to use this console</source>
        <translation>请登录后使用本操作站</translation>
    </message>
    <message>
        <source>Switch user: {keys}</source>
        <translation>切换用户：{keys}</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Detectors and hazard-source areas in map units of the plant drawing.</source>
        <translation>探测器与危险源区域，坐标为厂区图的图面单位。</translation>
    </message>
    <message>
        <source>Modbus TCP PLCs and gateways, OPC UA servers. Test a connection before applying.</source>
        <translation>Modbus TCP PLC 与网关、OPC UA 服务器。应用前请先测试连接。</translation>
    </message>
    <message>
        <source>Settings — {plant}</source>
        <translation>设置 — {plant}</translation>
    </message>
    <message>
        <source>{n} tag rows have errors (red cells)</source>
        <translation>{n} 行位号有错误（红色单元格）</translation>
    </message>
    <message>
        <source>Save plant configuration</source>
        <translation>保存工厂配置</translation>
    </message>
    <message>
        <source>YAML files (*.yaml *.yml)</source>
        <translation>YAML 文件 (*.yaml *.yml)</translation>
    </message>
    <message>
        <source>cannot write {path}: {error}</source>
        <translation>无法写入 {path}：{error}</translation>
    </message>
    <message>
        <source>No changes.</source>
        <translation>没有更改。</translation>
    </message>
    <message>
        <source>Applied and saved to {file}: 1 change.</source>
        <translation>已应用并保存到 {file}：1 处更改。</translation>
    </message>
    <message>
        <source>Applied and saved to {file}: {n} changes.</source>
        <translation>已应用并保存到 {file}：{n} 处更改。</translation>
    </message>
    <message>
        <source>Saved; applying it to the running plant…</source>
        <translation>已保存，正在应用到运行中的工厂…</translation>
    </message>
    <message>
        <source>Nothing applied: 1 error.</source>
        <translation>未应用任何更改：1 个错误。</translation>
    </message>
    <message>
        <source>Nothing applied: {n} errors.</source>
        <translation>未应用任何更改：{n} 个错误。</translation>
    </message>
    <message>
        <source>Settings not applied</source>
        <translation>设置未应用</translation>
    </message>
    <message>
        <source>Nothing was applied or saved. Fix these and apply again.</source>
        <translation>未应用也未保存任何更改。请修正以下错误后重新应用。</translation>
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
        <source>and {n} more</source>
        <translation>另有 {n} 条</translation>
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
    <name>StationSettings</name>
    <message>
        <source>The configuration lives on the server: it is read-only on this station. An engineer changes a tag&apos;s alarm limit with Change limit…</source>
        <translation>配置保存在服务器上：本操作站只读。工程师可通过“修改限值…”修改位号的报警限值</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Change limit…</source>
        <translation>修改限值…</translation>
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
    <message>
        <source>Trend</source>
        <translation>趋势</translation>
    </message>
    <message>
        <source>Write value…</source>
        <translation>写入数值…</translation>
    </message>
    <message>
        <source>Write a value to the device; you confirm it before it is sent</source>
        <translation>向设备写入数值；发送前需确认</translation>
    </message>
    <message>
        <source>Writes are not available here</source>
        <translation>此处不可写入</translation>
    </message>
</context>
<context>
    <name>TagTreeModel</name>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>bad</source>
        <translation>坏</translation>
    </message>
    <message>
        <source>uncertain</source>
        <translation>可疑</translation>
    </message>
    <message>
        <source>quality {quality}: {reason}</source>
        <translation>质量{quality}：{reason}</translation>
    </message>
    <message>
        <source>quality {quality}</source>
        <translation>质量{quality}</translation>
    </message>
    <message>
        <source>calibration overdue since {date}</source>
        <translation>校准自 {date} 起逾期</translation>
    </message>
    <message>
        <source>calibration due {date}</source>
        <translation>校准到期 {date}</translation>
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
    <name>TagsPage</name>
    <message>
        <source>Filter: name, description, address, device, area…</source>
        <translation>筛选：名称、描述、地址、设备、区域…</translation>
    </message>
    <message>
        <source>Errors only</source>
        <translation>仅显示错误</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>A new tag after the selected one</source>
        <translation>在所选位号之后新增位号</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Import CSV…</source>
        <translation>导入 CSV…</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <source>Probe</source>
        <translation>读取测试</translation>
    </message>
    <message>
        <source>Read the selected Modbus tag&apos;s address and decode it in every type and word order</source>
        <translation>读取所选 Modbus 位号的地址，并按各种类型和字序解码</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Pick the selected OPC UA tag&apos;s node from the server&apos;s address space</source>
        <translation>从服务器地址空间为所选 OPC UA 位号选择节点</translation>
    </message>
    <message>
        <source>value (empty clears)</source>
        <translation>数值（留空则清除）</translation>
    </message>
    <message>
        <source>Set for selected</source>
        <translation>应用到所选行</translation>
    </message>
    <message>
        <source>Bulk edit:</source>
        <translation>批量编辑：</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>位号</translation>
    </message>
    <message>
        <source>Double-click a cell to edit. A red cell cannot be used: its tooltip says why. Select several rows to set one column for all of them.</source>
        <translation>双击单元格进行编辑。红色单元格无法使用，提示信息会说明原因。选中多行可一次设置同一列。</translation>
    </message>
    <message>
        <source>{n} tags, {bad} with errors</source>
        <translation>{n} 个位号，{bad} 个有错误</translation>
    </message>
    <message>
        <source>{n} tags</source>
        <translation>{n} 个位号</translation>
    </message>
    <message>
        <source>(empty)</source>
        <translation>（空）</translation>
    </message>
    <message>
        <source>{column} set to {value} on {n} tags</source>
        <translation>已将 {n} 个位号的{column}设为 {value}</translation>
    </message>
    <message>
        <source>Import tags</source>
        <translation>导入位号</translation>
    </message>
    <message>
        <source>CSV files (*.csv);;All files (*)</source>
        <translation>CSV 文件 (*.csv);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Export tags</source>
        <translation>导出位号</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Nothing imported from {file}: {n} errors</source>
        <translation>未从 {file} 导入任何内容：{n} 个错误</translation>
    </message>
    <message>
        <source>{file}: nothing was imported. Fix these rows and import again.</source>
        <translation>{file}：未导入任何内容。请修正这些行后重新导入。</translation>
    </message>
    <message>
        <source>{n} tags imported from {file}</source>
        <translation>已从 {file} 导入 {n} 个位号</translation>
    </message>
    <message>
        <source>{n} tags exported to {file} ({skipped} with errors left out)</source>
        <translation>已导出 {n} 个位号到 {file}（{skipped} 个有错误的位号未导出）</translation>
    </message>
    <message>
        <source>{n} tags exported to {file}</source>
        <translation>已导出 {n} 个位号到 {file}</translation>
    </message>
    <message>
        <source>device {device}: {error}</source>
        <translation>设备 {device}：{error}</translation>
    </message>
    <message>
        <source>Reading {address} from {device}…</source>
        <translation>正在从 {device} 读取 {address}…</translation>
    </message>
    <message>
        <source>Probe failed: {error}</source>
        <translation>读取测试失败：{error}</translation>
    </message>
    <message>
        <source>Read {address} in {ms} ms</source>
        <translation>已读取 {address}，用时 {ms} ms</translation>
    </message>
    <message>
        <source>device: {error}</source>
        <translation>设备：{error}</translation>
    </message>
</context>
<context>
    <name>TemplateDialog</name>
    <message>
        <source>Add a hazard source from a template</source>
        <translation>从模板添加危险源</translation>
    </message>
    <message>
        <source>from the name</source>
        <translation>由名称生成</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Tag prefix</source>
        <translation>位号前缀</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <source>Existing tag(s)</source>
        <translation>已有位号</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Address(es) of new tags</source>
        <translation>新位号地址</translation>
    </message>
    <message>
        <source>Map each role to an existing tag, or leave the tag empty and give a device and an address to create it. A role marked + takes several, separated by commas; roles marked * may stay empty.</source>
        <translation>为每个角色选择已有位号，或留空位号并填写设备和地址以新建位号。标 + 的角色可填多个，以逗号分隔；标 * 的角色可以留空。</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>预览</translation>
    </message>
    <message>
        <source>Problems: {n}; nothing can be added yet</source>
        <translation>{n} 个问题：暂不能添加</translation>
    </message>
    <message>
        <source>New tags: {tags}, rules: {rules}; checked with the whole plant on Apply</source>
        <translation>新建 {tags} 个位号、{rules} 条规则；应用时与全厂配置一并检查</translation>
    </message>
</context>
<context>
    <name>TermModel</name>
    <message>
        <source>Term</source>
        <translation>项</translation>
    </message>
    <message>
        <source>Now</source>
        <translation>当前</translation>
    </message>
    <message>
        <source>At raising</source>
        <translation>触发时</translation>
    </message>
    <message>
        <source>How (now)</source>
        <translation>说明（当前）</translation>
    </message>
    <message>
        <source>At raising ({time})</source>
        <translation>触发时（{time}）</translation>
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
    <name>TrustDialog</name>
    <message>
        <source>Unknown server certificate — {device}</source>
        <translation>未知的服务器证书 — {device}</translation>
    </message>
    <message>
        <source>The OPC UA server of device {device} presented a certificate that is not on the trust list. Forewarn does not connect to it until the certificate is trusted. Compare the thumbprint with the one shown on the server itself before trusting it.</source>
        <translation>设备 {device} 的 OPC UA 服务器出示的证书不在信任列表中。在信任该证书之前，Forewarn 不会连接此服务器。信任前请将指纹与服务器本身显示的指纹进行核对。</translation>
    </message>
    <message>
        <source>{start} to {end} (UTC)</source>
        <translation>{start} 至 {end}（UTC）</translation>
    </message>
    <message>
        <source>not valid now: {problem}</source>
        <translation>当前无效：{problem}</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Endpoint</source>
        <translation>端点</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>Issuer</source>
        <translation>颁发者</translation>
    </message>
    <message>
        <source>Valid</source>
        <translation>有效期</translation>
    </message>
    <message>
        <source>SHA-256 thumbprint</source>
        <translation>SHA-256 指纹</translation>
    </message>
    <message>
        <source>SHA-1 thumbprint</source>
        <translation>SHA-1 指纹</translation>
    </message>
    <message>
        <source>Application URI</source>
        <translation>应用程序 URI</translation>
    </message>
    <message>
        <source>Trust</source>
        <translation>信任</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <source>{why}: ask an engineer to trust this certificate.</source>
        <translation>{why}：请联系工程师信任此证书。</translation>
    </message>
</context>
<context>
    <name>TrustPrompter</name>
    <message>
        <source>The screen is locked</source>
        <translation>屏幕已锁定</translation>
    </message>
    <message>
        <source>Certificate trusted: {device} reconnects</source>
        <translation>证书已信任：{device} 将重新连接</translation>
    </message>
</context>
<context>
    <name>UplinkPage</name>
    <message>
        <source>Add point</source>
        <translation>添加测点</translation>
    </message>
    <message>
        <source>Remove point</source>
        <translation>删除测点</translation>
    </message>
    <message>
        <source>Import CSV…</source>
        <translation>导入 CSV…</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <source>Regulator points</source>
        <translation>监管上报测点</translation>
    </message>
    <message>
        <source>Tags reported to the regulator&apos;s early-warning platform, under its codes and indicator types; an empty cell takes the tag&apos;s own unit, range, limits and hazard source.</source>
        <translation>向监管预警平台上报的位号，使用平台的测点编码与指标类型；留空的单元格取位号自身的单位、量程、报警值与危险源。</translation>
    </message>
    <message>
        <source>More points come from {file}.</source>
        <translation>另有测点来自 {file}。</translation>
    </message>
    <message>
        <source>{n} problems: {first}</source>
        <translation>{n} 个问题：{first}</translation>
    </message>
    <message>
        <source>{n} points reported.</source>
        <translation>上报 {n} 个测点。</translation>
    </message>
    <message>
        <source>Import regulator points</source>
        <translation>导入监管上报测点</translation>
    </message>
    <message>
        <source>CSV files (*.csv);;All files (*)</source>
        <translation>CSV 文件 (*.csv);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Export regulator points</source>
        <translation>导出监管上报测点</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>{file}: nothing was imported. Fix these rows and import again.</source>
        <translation>{file}：未导入任何内容。请修正这些行后重新导入。</translation>
    </message>
</context>
<context>
    <name>UplinkView</name>
    <message>
        <source>Regulator link</source>
        <translation>监管平台联网</translation>
    </message>
    <message>
        <source>This shift</source>
        <translation>本班</translation>
    </message>
    <message>
        <source>This month</source>
        <translation>本月</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>This plant reports no points to a regulator (uplink: in the plant file).</source>
        <translation>本厂未向监管平台上报测点（见工厂文件中的 uplink:）。</translation>
    </message>
    <message>
        <source>not run by this workstation</source>
        <translation>不由本工作站运行</translation>
    </message>
    <message>
        <source>delivering</source>
        <translation>正常上报</translation>
    </message>
    <message>
        <source>down: {error}</source>
        <translation>中断：{error}</translation>
    </message>
    <message>
        <source>Link: {running}. Last delivery {last}; backlog {n} messages, the oldest {age}.</source>
        <translation>联网：{running}。最近上报 {last}；待补传 {n} 条，最早积压 {age}。</translation>
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
    <name>UsersDialog</name>
    <message>
        <source>Forewarn — users</source>
        <translation>Forewarn — 用户管理</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <source>Role…</source>
        <translation>角色…</translation>
    </message>
    <message>
        <source>New password…</source>
        <translation>新密码…</translation>
    </message>
    <message>
        <source>Disable / enable</source>
        <translation>停用 / 启用</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>已停用</translation>
    </message>
    <message>
        <source>locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <source>Sent; waiting for the server…</source>
        <translation>已发送，等待服务器应答…</translation>
    </message>
    <message>
        <source>Add user</source>
        <translation>添加用户</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>Password again</source>
        <translation>再次输入密码</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
    <message>
        <source>Role of {name}:</source>
        <translation>{name} 的角色：</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>新密码</translation>
    </message>
    <message>
        <source>New password for {name}:</source>
        <translation>{name} 的新密码：</translation>
    </message>
    <message>
        <source>Remove user</source>
        <translation>删除用户</translation>
    </message>
    <message>
        <source>Remove {name}?</source>
        <translation>删除用户 {name}？</translation>
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
        <source>Why? — {tag}</source>
        <translation>为什么？— {tag}</translation>
    </message>
    <message>
        <source>{tag}: {kind} alarm</source>
        <translation>{tag}：{kind} 报警</translation>
    </message>
    <message>
        <source>Value {value}{unit}, limit {limit}{unit}.</source>
        <translation>当前值 {value}{unit}，限值 {limit}{unit}。</translation>
    </message>
    <message>
        <source>Returns to normal below {value}{unit} (deadband {deadband}).</source>
        <translation>低于 {value}{unit} 时恢复正常（死区 {deadband}）。</translation>
    </message>
    <message>
        <source>Returns to normal above {value}{unit} (deadband {deadband}).</source>
        <translation>高于 {value}{unit} 时恢复正常（死区 {deadband}）。</translation>
    </message>
    <message>
        <source>Raised after {on} beyond the limit, returns after {off} back inside.</source>
        <translation>越限持续 {on} 后报警，回到限内 {off} 后恢复。</translation>
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
        <source>The warning holds while:</source>
        <translation>预警保持，因为：</translation>
    </message>
    <message>
        <source>Rule as written: {text}</source>
        <translation>规则原文：{text}</translation>
    </message>
    <message>
        <source>Returns once the condition has been false for {clear}, at least {hold} after raising, and the incident no longer develops.</source>
        <translation>条件连续不成立满 {clear}、触发后至少 {hold}、且事态不再发展时，预警才恢复。</translation>
    </message>
    <message>
        <source>Terms now and at raising</source>
        <translation>各项：当前值与触发时的值</translation>
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
        <source>; the condition cannot be told now (not enough data)</source>
        <translation>；当前无法判定条件（数据不足）</translation>
    </message>
    <message>
        <source>; the condition no longer holds</source>
        <translation>；条件已不成立</translation>
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
        <source>Not holding: the condition cannot be told now (not enough data)</source>
        <translation>条件不成立：当前无法判定（数据不足）</translation>
    </message>
    <message>
        <source>Not holding</source>
        <translation>条件不成立</translation>
    </message>
    <message>
        <source>; last raised {time}</source>
        <translation>；上次触发于 {time}</translation>
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
</context>
<context>
    <name>WriteDialog</name>
    <message>
        <source>Write value — {name}</source>
        <translation>写入数值 — {name}</translation>
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
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <source>Current value</source>
        <translation>当前值</translation>
    </message>
    <message>
        <source>OFF (0)</source>
        <translation>关 (0)</translation>
    </message>
    <message>
        <source>ON (1)</source>
        <translation>开 (1)</translation>
    </message>
    <message>
        <source>New value</source>
        <translation>新值</translation>
    </message>
    <message>
        <source>Next…</source>
        <translation>下一步…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Write</source>
        <translation>写入</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>ON</source>
        <translation>开</translation>
    </message>
    <message>
        <source>OFF</source>
        <translation>关</translation>
    </message>
    <message>
        <source>Any number</source>
        <translation>任意数值</translation>
    </message>
    <message>
        <source>{lo} to {hi}</source>
        <translation>{lo} 至 {hi}</translation>
    </message>
    <message>
        <source>{value} ({quality})</source>
        <translation>{value}（{quality}）</translation>
    </message>
    <message>
        <source>Enter a value</source>
        <translation>请输入数值</translation>
    </message>
    <message>
        <source>Not a number: {text}</source>
        <translation>不是数字：{text}</translation>
    </message>
    <message>
        <source>Not a finite number</source>
        <translation>不是有限数值</translation>
    </message>
    <message>
        <source>Outside {limits}</source>
        <translation>超出范围 {limits}</translation>
    </message>
    <message>
        <source>Write {value} to {tag}? Current {current}</source>
        <translation>将 {value} 写入 {tag}？当前值 {current}</translation>
    </message>
    <message>
        <source>Writing {value} to {tag}…</source>
        <translation>正在将 {value} 写入 {tag}…</translation>
    </message>
    <message>
        <source>Failed: {error}</source>
        <translation>失败：{error}</translation>
    </message>
    <message>
        <source>Written: {tag} = {value}</source>
        <translation>已写入：{tag} = {value}</translation>
    </message>
    <message>
        <source>Refused: {reason}</source>
        <translation>被拒绝：{reason}</translation>
    </message>
    <message>
        <source>The audit trail could not be written (see the log).</source>
        <translation>无法写入审计记录（详见日志）。</translation>
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
    <name>alarms</name>
    <message>
        <source>{tag}: ON</source>
        <translation>{tag}：开</translation>
    </message>
    <message>
        <source>{tag}: OFF</source>
        <translation>{tag}：关</translation>
    </message>
    <message>
        <source>{tag}: bad quality (no valid value)</source>
        <translation>{tag}：坏值（无有效数值）</translation>
    </message>
    <message>
        <source>{tag}: value frozen for {n} s</source>
        <translation>{tag}：数值冻结 {n} 秒</translation>
    </message>
    <message>
        <source>{tag} rate {value}{unit}/{per}, limit {limit}{unit}/{per}</source>
        <translation>{tag} 变化率 {value}{unit}/{per}，限值 {limit}{unit}/{per}</translation>
    </message>
    <message>
        <source>{tag} deviates {value}{unit} from {setpoint}, limit {limit}{unit}</source>
        <translation>{tag} 与 {setpoint} 偏差 {value}{unit}，限值 {limit}{unit}</translation>
    </message>
    <message>
        <source>Communication restored: {device}</source>
        <translation>通讯恢复：{device}</translation>
    </message>
    <message>
        <source>Communication lost: {device} ({error})</source>
        <translation>通讯中断：{device}（{error}）</translation>
    </message>
    <message>
        <source>Communication lost: {device}</source>
        <translation>通讯中断：{device}</translation>
    </message>
    <message>
        <source>{source}: ended by a configuration change</source>
        <translation>{source}：因组态变更而结束</translation>
    </message>
    <message>
        <source>History cannot write: {error}; buffer full, {n} samples dropped</source>
        <translation>历史库无法写入：{error}；缓冲区已满，丢弃 {n} 个采样</translation>
    </message>
    <message>
        <source>History cannot write: {error}</source>
        <translation>历史库无法写入：{error}</translation>
    </message>
    <message>
        <source>History buffer full: {n} samples dropped</source>
        <translation>历史缓冲区已满：丢弃 {n} 个采样</translation>
    </message>
    <message>
        <source>History writing again</source>
        <translation>历史库恢复写入</translation>
    </message>
    <message>
        <source>{tag}: suppress_when faulted: {error}; alarms not suppressed</source>
        <translation>{tag}：suppress_when 表达式故障：{error}；报警不予抑制</translation>
    </message>
    <message>
        <source>{tag}: forecast condition faulted: {error}; forecast always on</source>
        <translation>{tag}：预测条件故障：{error}；预测始终开启</translation>
    </message>
    <message>
        <source>{tag}: anomaly mode faulted: {error}; normal mode assumed</source>
        <translation>{tag}：异常检测工况表达式故障：{error}；按正常工况处理</translation>
    </message>
    <message>
        <source>Rule {name} faulted: {error}; not evaluated</source>
        <translation>规则 {name} 故障：{error}；未予评估</translation>
    </message>
    <message>
        <source>Rule {name} evaluates again</source>
        <translation>规则 {name} 恢复评估</translation>
    </message>
    <message>
        <source>{tag}: {field} faulted: {error}</source>
        <translation>{tag}：{field} 故障：{error}</translation>
    </message>
    <message>
        <source>{tag}: {field} evaluates again</source>
        <translation>{tag}：{field} 恢复评估</translation>
    </message>
    <message>
        <source>Detector {name} faulted: {error}; not evaluated</source>
        <translation>检测器 {name} 故障：{error}；未予评估</translation>
    </message>
    <message>
        <source>Detector {name} evaluates again</source>
        <translation>检测器 {name} 恢复评估</translation>
    </message>
    <message>
        <source>{tag}: sensor reading trusted again</source>
        <translation>{tag}：传感器读数恢复可信</translation>
    </message>
    <message>
        <source>{tag}: value frozen at {value}{unit} for {held}: blind spot</source>
        <translation>{tag}：数值冻结在 {value}{unit} 已 {held}：监测盲区</translation>
    </message>
    <message>
        <source>{tag}: sensor fault (NE 43): {value}{unit} below the fault limit {limit}{unit}</source>
        <translation>{tag}：传感器故障（NE 43）：{value}{unit} 低于故障限 {limit}{unit}</translation>
    </message>
    <message>
        <source>{tag}: sensor fault (NE 43): {value}{unit} above the fault limit {limit}{unit}</source>
        <translation>{tag}：传感器故障（NE 43）：{value}{unit} 高于故障限 {limit}{unit}</translation>
    </message>
    <message>
        <source>Notification channel {channel} delivering again</source>
        <translation>通知通道 {channel} 已恢复发送</translation>
    </message>
    <message>
        <source>Notification channel {channel} failing, messages lost: {error}</source>
        <translation>通知通道 {channel} 发送失败，消息未送达：{error}</translation>
    </message>
    <message>
        <source>Every alarm response is recorded</source>
        <translation>报警处置反馈已全部填报</translation>
    </message>
    <message>
        <source>Alarm responses: {overdue} overdue, {soon} due soon (first: {alarm})</source>
        <translation>报警处置反馈：{overdue} 条超期，{soon} 条即将到期（首条：{alarm}）</translation>
    </message>
    <message>
        <source>Regulator platform refused {point} ({kind}): {answer}</source>
        <translation>监管平台拒收 {point}（{kind}）：{answer}</translation>
    </message>
    <message>
        <source>Regulator platform accepts {point} again</source>
        <translation>监管平台重新接收 {point}</translation>
    </message>
    <message>
        <source>Regulator link down for {minutes} min: {error}</source>
        <translation>监管平台联网中断 {minutes} 分钟：{error}</translation>
    </message>
    <message>
        <source>Regulator link delivering again</source>
        <translation>监管平台联网恢复上报</translation>
    </message>
    <message>
        <source>No connection to the server: values are not live</source>
        <translation>与服务器的连接中断：显示的数值不是实时值</translation>
    </message>
</context>
<context>
    <name>alarms_page</name>
    <message>
        <source>default</source>
        <translation>默认</translation>
    </message>
    <message>
        <source>plant default</source>
        <translation>全厂默认</translation>
    </message>
    <message>
        <source>on</source>
        <translation>开</translation>
    </message>
    <message>
        <source>off</source>
        <translation>关</translation>
    </message>
</context>
<context>
    <name>devices_page</name>
    <message>
        <source>Choose the file</source>
        <translation>选择文件</translation>
    </message>
    <message>
        <source>Choose file</source>
        <translation>选择文件</translation>
    </message>
    <message>
        <source>Certificates and keys (*.pem *.der *.crt *.key);;All files (*)</source>
        <translation>证书和密钥 (*.pem *.der *.crt *.key);;所有文件 (*)</translation>
    </message>
</context>
<context>
    <name>dual_prevention_report</name>
    <message>
        <source>Dual prevention: weekly report</source>
        <translation>双重预防机制周报</translation>
    </message>
    <message>
        <source>Hidden dangers found</source>
        <translation>发现隐患</translation>
    </message>
    <message>
        <source>Accepted</source>
        <translation>已验收</translation>
    </message>
    <message>
        <source>Open major</source>
        <translation>未销号重大隐患</translation>
    </message>
    <message>
        <source>Open general</source>
        <translation>未销号一般隐患</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>逾期</translation>
    </message>
    <message>
        <source>Permits issued</source>
        <translation>签发作业票</translation>
    </message>
    <message>
        <source>People under permits</source>
        <translation>作业人数</translation>
    </message>
    <message>
        <source>Inspections done</source>
        <translation>已完成排查</translation>
    </message>
    <message>
        <source>Inspections missed</source>
        <translation>漏检</translation>
    </message>
    <message>
        <source>Permits by kind</source>
        <translation>作业票分类</translation>
    </message>
    <message>
        <source>Hidden dangers</source>
        <translation>隐患</translation>
    </message>
    <message>
        <source>No hidden dangers this week</source>
        <translation>本周无隐患</translation>
    </message>
    <message>
        <source>Signed: safety manager ________    chair of the safety meeting ________</source>
        <translation>签字：安全管理人员 ________    安全例会主持人 ________</translation>
    </message>
</context>
<context>
    <name>duration</name>
    <message>
        <source>{n} s</source>
        <translation>{n} 秒</translation>
    </message>
    <message>
        <source>{n} min</source>
        <translation>{n} 分钟</translation>
    </message>
    <message>
        <source>{h} h {m} min</source>
        <translation>{h} 小时 {m} 分钟</translation>
    </message>
    <message>
        <source>{h} h</source>
        <translation>{h} 小时</translation>
    </message>
    <message>
        <source>{m} min {s} s</source>
        <translation>{m} 分 {s} 秒</translation>
    </message>
    <message>
        <source>{d} d {h} h</source>
        <translation>{d} 天 {h} 小时</translation>
    </message>
    <message>
        <source>{d} d</source>
        <translation>{d} 天</translation>
    </message>
</context>
<context>
    <name>engine</name>
    <message>
        <source>unknown tag {tag}</source>
        <translation>未知位号 {tag}</translation>
    </message>
    <message>
        <source>writes are disabled: there is no audit trail to record them</source>
        <translation>写入已禁用：没有可记录写入的审计记录</translation>
    </message>
    <message>
        <source>{value} is not a number</source>
        <translation>{value} 不是数值</translation>
    </message>
    <message>
        <source>{value}: a bool tag takes 0 or 1</source>
        <translation>{value}：开关量位号只接受 0 或 1</translation>
    </message>
    <message>
        <source>{value} is outside the tag&apos;s range {lo} to {hi}</source>
        <translation>{value} 超出位号量程 {lo} 至 {hi}</translation>
    </message>
    <message>
        <source>the tag&apos;s scale is 0: no raw value gives this value</source>
        <translation>位号比例系数为 0：没有原始值能得到该值</translation>
    </message>
    <message>
        <source>acquisition is not running</source>
        <translation>采集未运行</translation>
    </message>
    <message>
        <source>device {device} is not running</source>
        <translation>设备 {device} 未运行</translation>
    </message>
    <message>
        <source>no answer from {device} within {s} s</source>
        <translation>设备 {device} 在 {s} 秒内无应答</translation>
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
    <name>hazards_page</name>
    <message>
        <source>Engineer&apos;s level</source>
        <translation>工程师设定等级</translation>
    </message>
    <message>
        <source>LS matrix (R = L·S)</source>
        <translation>LS 矩阵法 (R = L·S)</translation>
    </message>
    <message>
        <source>expected</source>
        <translation>完全可以预料</translation>
    </message>
    <message>
        <source>quite possible</source>
        <translation>相当可能</translation>
    </message>
    <message>
        <source>unusual but possible</source>
        <translation>可能，但不经常</translation>
    </message>
    <message>
        <source>only remotely possible</source>
        <translation>可能性小，完全意外</translation>
    </message>
    <message>
        <source>conceivable, very unlikely</source>
        <translation>很不可能，可以设想</translation>
    </message>
    <message>
        <source>practically impossible</source>
        <translation>极不可能</translation>
    </message>
    <message>
        <source>virtually impossible</source>
        <translation>实际不可能</translation>
    </message>
    <message>
        <source>continuous</source>
        <translation>连续暴露</translation>
    </message>
    <message>
        <source>daily, in working hours</source>
        <translation>每天工作时间内暴露</translation>
    </message>
    <message>
        <source>weekly or now and then</source>
        <translation>每周一次或偶然暴露</translation>
    </message>
    <message>
        <source>monthly</source>
        <translation>每月一次暴露</translation>
    </message>
    <message>
        <source>a few times a year</source>
        <translation>每年几次暴露</translation>
    </message>
    <message>
        <source>very rarely</source>
        <translation>非常罕见地暴露</translation>
    </message>
    <message>
        <source>catastrophe, many deaths</source>
        <translation>大灾难，许多人死亡</translation>
    </message>
    <message>
        <source>disaster, several deaths</source>
        <translation>灾难，数人死亡</translation>
    </message>
    <message>
        <source>very serious, one death</source>
        <translation>非常严重，一人死亡</translation>
    </message>
    <message>
        <source>serious injury</source>
        <translation>严重，重伤</translation>
    </message>
    <message>
        <source>disabling injury</source>
        <translation>重大，致残</translation>
    </message>
    <message>
        <source>noticeable, first aid</source>
        <translation>引人注目，需要救护</translation>
    </message>
</context>
<context>
    <name>hidden_dangers</name>
    <message>
        <source>general</source>
        <translation>一般</translation>
    </message>
    <message>
        <source>major</source>
        <translation>重大</translation>
    </message>
    <message>
        <source>draft</source>
        <translation>草稿</translation>
    </message>
    <message>
        <source>registered</source>
        <translation>已登记</translation>
    </message>
    <message>
        <source>being rectified</source>
        <translation>整改中</translation>
    </message>
    <message>
        <source>awaiting acceptance</source>
        <translation>待验收</translation>
    </message>
    <message>
        <source>accepted</source>
        <translation>已验收</translation>
    </message>
    <message>
        <source>dismissed</source>
        <translation>已驳回</translation>
    </message>
    <message>
        <source>{grade} hidden danger: {title}; overdue since {deadline}</source>
        <translation>{grade}隐患：{title}；自 {deadline} 起逾期</translation>
    </message>
    <message>
        <source>{grade} hidden danger: {title} ({status})</source>
        <translation>{grade}隐患：{title}（{status}）</translation>
    </message>
    <message>
        <source>inspection of “{measure}” due {due} not done</source>
        <translation>“{measure}”的排查于 {due} 到期，未完成</translation>
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
    <message>
        <source>QtMultimedia is not installed (pip install PySide6-Addons, the [audio] extra)</source>
        <translation>未安装 QtMultimedia（pip install PySide6-Addons，即 [audio] 附加组件）</translation>
    </message>
    <message>
        <source>QtMultimedia cannot load {lib} (a system audio library)</source>
        <translation>QtMultimedia 无法加载 {lib}（系统音频库）</translation>
    </message>
    <message>
        <source>QtMultimedia cannot load {lib} (a system library)</source>
        <translation>QtMultimedia 无法加载 {lib}（系统库）</translation>
    </message>
    <message>
        <source>QtMultimedia cannot load a system library it needs: {error}</source>
        <translation>QtMultimedia 无法加载所需的系统库：{error}</translation>
    </message>
    <message>
        <source>QtMultimedia cannot be loaded: {error}</source>
        <translation>无法加载 QtMultimedia：{error}</translation>
    </message>
</context>
<context>
    <name>inventory</name>
    <message>
        <source>engineering</source>
        <translation>工程技术</translation>
    </message>
    <message>
        <source>management</source>
        <translation>管理</translation>
    </message>
    <message>
        <source>training</source>
        <translation>培训教育</translation>
    </message>
    <message>
        <source>PPE</source>
        <translation>个体防护</translation>
    </message>
    <message>
        <source>emergency</source>
        <translation>应急处置</translation>
    </message>
    <message>
        <source>company</source>
        <translation>公司级</translation>
    </message>
    <message>
        <source>plant</source>
        <translation>厂级</translation>
    </message>
    <message>
        <source>workshop</source>
        <translation>车间级</translation>
    </message>
    <message>
        <source>team</source>
        <translation>班组级</translation>
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
        <source>target ≤ {n} /h per operator</source>
        <translation>目标 每名操作员 ≤ {n} 条/小时</translation>
    </message>
    <message>
        <source>target ≤ {n} /h</source>
        <translation>目标 ≤ {n} 条/小时</translation>
    </message>
    <message>
        <source>flood above 10</source>
        <translation>超过 10 条即为泛滥</translation>
    </message>
    <message>
        <source>{percent} % of the time</source>
        <translation>{percent} % 的时间</translation>
    </message>
    <message>
        <source>≥ 3 in 1 min</source>
        <translation>1 分钟内 ≥ 3 次</translation>
    </message>
    <message>
        <source>target 5 / 15 / 80 %</source>
        <translation>目标 5 / 15 / 80 %</translation>
    </message>
    <message>
        <source>{n} per 10 min per operator</source>
        <translation>每名操作员每 10 分钟 {n} 条</translation>
    </message>
    <message>
        <source>{n} per 10 min</source>
        <translation>每 10 分钟 {n} 条</translation>
    </message>
    <message>
        <source>very likely acceptable</source>
        <translation>很可能可接受</translation>
    </message>
    <message>
        <source>manageable</source>
        <translation>可管理</translation>
    </message>
    <message>
        <source>over-demanding</source>
        <translation>负荷过重</translation>
    </message>
    <message>
        <source>unacceptable</source>
        <translation>不可接受</translation>
    </message>
</context>
<context>
    <name>launcher</name>
    <message>
        <source>Forewarn cannot start</source>
        <translation>Forewarn 无法启动</translation>
    </message>
</context>
<context>
    <name>login</name>
    <message>
        <source>Wrong user name or password, or the account is locked.</source>
        <translation>用户名或密码错误，或账户已锁定。</translation>
    </message>
    <message>
        <source>A user name is 1 to {n} printable characters without spaces.</source>
        <translation>用户名为 1 至 {n} 个可打印字符，不含空格。</translation>
    </message>
    <message>
        <source>A password has at least {n} characters.</source>
        <translation>密码至少 {n} 个字符。</translation>
    </message>
    <message>
        <source>User {name} exists.</source>
        <translation>用户 {name} 已存在。</translation>
    </message>
    <message>
        <source>{name} is the last administrator.</source>
        <translation>{name} 是最后一位管理员。</translation>
    </message>
    <message>
        <source>No user {name}.</source>
        <translation>没有用户 {name}。</translation>
    </message>
    <message>
        <source>No answer from the server.</source>
        <translation>服务器无应答。</translation>
    </message>
    <message>
        <source>No connection to the server.</source>
        <translation>与服务器的连接中断。</translation>
    </message>
    <message>
        <source>{name} may not do this: the role does not allow it.</source>
        <translation>{name} 无权执行此操作：其角色不允许。</translation>
    </message>
    <message>
        <source>An administrator does not remove their own account.</source>
        <translation>管理员不能删除自己的账户。</translation>
    </message>
</context>
<context>
    <name>notify</name>
    <message>
        <source>Level {roman} hidden danger</source>
        <translation>{roman} 级隐患</translation>
    </message>
    <message>
        <source>Level {roman} early warning</source>
        <translation>{roman} 级预警</translation>
    </message>
    <message>
        <source>System alarm</source>
        <translation>系统报警</translation>
    </message>
    <message>
        <source>Priority {roman} alarm</source>
        <translation>{roman} 级报警</translation>
    </message>
    <message>
        <source>[{plant}] {what}: {source}, unacknowledged for {duration}</source>
        <translation>[{plant}] {what}：{source}，{duration}未确认</translation>
    </message>
    <message>
        <source>[{plant}] {what}: {source}</source>
        <translation>[{plant}] {what}：{source}</translation>
    </message>
    <message>
        <source>Tag: {tag}  Value: {value}  Limit: {limit}</source>
        <translation>位号：{tag}  数值：{value}  限值：{limit}</translation>
    </message>
    <message>
        <source>Hazard source: {hazard}</source>
        <translation>危险源：{hazard}</translation>
    </message>
    <message>
        <source>Limit expected at {time}</source>
        <translation>预计 {time} 到达限值</translation>
    </message>
    <message>
        <source>Plant: {plant}  Time: {time}</source>
        <translation>工厂：{plant}  时间：{time}</translation>
    </message>
    <message>
        <source>Not acknowledged for {duration}</source>
        <translation>{duration}未确认</translation>
    </message>
    <message>
        <source>Notification rule: {rule}</source>
        <translation>通知规则：{rule}</translation>
    </message>
    <message>
        <source>[{plant}] {n} notices held during quiet hours</source>
        <translation>[{plant}] 免打扰时段内暂存的 {n} 条通知</translation>
    </message>
    <message>
        <source>[{plant}] Alarm flood: {n} notices</source>
        <translation>[{plant}] 报警泛滥：{n} 条通知</translation>
    </message>
    <message>
        <source>{time} {roman} {source}: {message}</source>
        <translation>{time} {roman} {source}：{message}</translation>
    </message>
    <message>
        <source>... and {n} more</source>
        <translation>……另有 {n} 条</translation>
    </message>
    <message>
        <source>[{plant}] Test message</source>
        <translation>[{plant}] 测试消息</translation>
    </message>
    <message>
        <source>This is a test of Forewarn&apos;s notifications for {plant}. Nothing needs doing.</source>
        <translation>这是 Forewarn 为 {plant} 发送的通知测试消息，无需处理。</translation>
    </message>
</context>
<context>
    <name>operating</name>
    <message>
        <source>{hazard} no longer {state}</source>
        <translation>{hazard} 不再处于“{state}”</translation>
    </message>
    <message>
        <source>running</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>reduced</source>
        <translation>减产运行</translation>
    </message>
    <message>
        <source>down</source>
        <translation>停运（休风）</translation>
    </message>
    <message>
        <source>under maintenance</source>
        <translation>检修中</translation>
    </message>
    <message>
        <source>{state} since {time} by {user}: {reason}</source>
        <translation>自 {time} 起{state}，由 {user} 声明：{reason}</translation>
    </message>
    <message>
        <source>{text}, until {until}</source>
        <translation>{text}，至 {until}</translation>
    </message>
    <message>
        <source>{text}; live evidence not counted</source>
        <translation>{text}；实时证据不计入</translation>
    </message>
</context>
<context>
    <name>permits</name>
    <message>
        <source>hot work</source>
        <translation>动火作业</translation>
    </message>
    <message>
        <source>confined-space entry</source>
        <translation>受限空间作业</translation>
    </message>
    <message>
        <source>work in a gas area</source>
        <translation>煤气区域作业</translation>
    </message>
    <message>
        <source>work at height</source>
        <translation>高处作业</translation>
    </message>
    <message>
        <source>heavy lift</source>
        <translation>吊装作业</translation>
    </message>
    <message>
        <source>active</source>
        <translation>有效</translation>
    </message>
    <message>
        <source>suspended</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>ended</source>
        <translation>已结束</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>已过期</translation>
    </message>
    <message>
        <source>{tag}: no valid reading</source>
        <translation>{tag}：无有效读数</translation>
    </message>
    <message>
        <source>{tag} = {value} {unit}, over the entry limit {limit}</source>
        <translation>{tag} = {value} {unit}，超过进入限值 {limit}</translation>
    </message>
    <message>
        <source>{tag} = {value} {unit}, under the entry limit {limit}</source>
        <translation>{tag} = {value} {unit}，低于进入限值 {limit}</translation>
    </message>
    <message>
        <source>{code} {kind}, {people} people</source>
        <translation>{code} {kind}，{people} 人</translation>
    </message>
    <message>
        <source>no hazard source {hazard}</source>
        <translation>没有危险源 {hazard}</translation>
    </message>
    <message>
        <source>the time window ends before it starts or is past</source>
        <translation>作业时段的结束早于开始或已过去</translation>
    </message>
    <message>
        <source>at least one person works under a permit</source>
        <translation>作业票至少一名作业人员</translation>
    </message>
    <message>
        <source>a gas test is needed before entry</source>
        <translation>进入前须进行气体检测</translation>
    </message>
    <message>
        <source>{permit} until {until}: people present, exposure E = {e}; {total} people in the area</source>
        <translation>{permit}，至 {until}：有人作业，暴露 E = {e}；区域内共 {total} 人</translation>
    </message>
    <message>
        <source>{message} — {permits}: {people} people in the area ⚠</source>
        <translation>{message} — {permits}：区域内 {people} 人 ⚠</translation>
    </message>
    <message>
        <source>PTW-{id} cannot be {status} now</source>
        <translation>PTW-{id} 现在不能{status}</translation>
    </message>
    <message>
        <source>PTW-{id} was changed meanwhile: look again</source>
        <translation>PTW-{id} 已被他人更改，请重新查看</translation>
    </message>
</context>
<context>
    <name>plant_index</name>
    <message>
        <source>Plant risk index {value}</source>
        <translation>全厂风险指数 {value}</translation>
    </message>
    <message>
        <source>  {name}: +{points}</source>
        <translation>  {name}：+{points}</translation>
    </message>
    <message>
        <source>  at least {floor} while a source is {level}</source>
        <translation>  有危险源为{level}时不低于 {floor}</translation>
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
    <message>
        <source>{code}: {people} people, until {until}</source>
        <translation>{code}：{people} 人，至 {until}</translation>
    </message>
    <message>
        <source>Work permits in {area}</source>
        <translation>{area} 的作业票</translation>
    </message>
</context>
<context>
    <name>quality</name>
    <message>
        <source>no valid reading from the device</source>
        <translation>设备无有效读数</translation>
    </message>
    <message>
        <source>not a number</source>
        <translation>非数值</translation>
    </message>
    <message>
        <source>out of range</source>
        <translation>超出量程</translation>
    </message>
    <message>
        <source>sensor fault (NE 43)</source>
        <translation>传感器故障（NE 43）</translation>
    </message>
    <message>
        <source>frozen</source>
        <translation>数值冻结</translation>
    </message>
</context>
<context>
    <name>report</name>
    <message>
        <source>Shift {period}</source>
        <translation>班次 {period}</translation>
    </message>
    <message>
        <source>Period {period}</source>
        <translation>时段 {period}</translation>
    </message>
    <message>
        <source>Current shift {period}</source>
        <translation>本班 {period}</translation>
    </message>
    <message>
        <source>Previous shift {period}</source>
        <translation>上一班 {period}</translation>
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
        <source>work permit</source>
        <translation>作业票</translation>
    </message>
    <message>
        <source>hidden danger</source>
        <translation>隐患</translation>
    </message>
    <message>
        <source>inspection overdue</source>
        <translation>排查逾期</translation>
    </message>
    <message>
        <source>operating state</source>
        <translation>运行状态</translation>
    </message>
    <message>
        <source>direct determination</source>
        <translation>直接判定</translation>
    </message>
    <message>
        <source>LEC evaluation</source>
        <translation>LEC 评价</translation>
    </message>
    <message>
        <source>LS matrix</source>
        <translation>LS 矩阵</translation>
    </message>
    <message>
        <source>engineer&apos;s level</source>
        <translation>工程师设定的等级</translation>
    </message>
    <message>
        <source>out of service</source>
        <translation>退出服务</translation>
    </message>
    <message>
        <source>shelved</source>
        <translation>已搁置</translation>
    </message>
    <message>
        <source>suppressed</source>
        <translation>已抑制</translation>
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
        <source>interlock state unknown</source>
        <translation>联锁状态未知</translation>
    </message>
    <message>
        <source>escalation</source>
        <translation>升级</translation>
    </message>
    <message>
        <source>{roman} {colour}</source>
        <translation>{roman} {colour}</translation>
    </message>
    <message>
        <source>set by the engineer</source>
        <translation>由工程师设定</translation>
    </message>
    <message>
        <source>LEC D = {d} (L {l} × E {e} × C {c}) → {roman} {grade}</source>
        <translation>LEC D = {d}（L {l} × E {e} × C {c}）→ {roman} {grade}</translation>
    </message>
    <message>
        <source>LS R = {r} (L {l} × S {s}) → {roman} {grade}</source>
        <translation>LS R = {r}（L {l} × S {s}）→ {roman} {grade}</translation>
    </message>
    <message>
        <source>GB 18218: S = {s} &lt; 1, not a major hazard</source>
        <translation>GB 18218：S = {s} &lt; 1，不构成重大危险源</translation>
    </message>
    <message>
        <source>GB 18218 grade {grade} (R = {r} = α {alpha} × Σ β·q/Q {weighted}), the registration grade</source>
        <translation>GB 18218 {grade} 级（R = {r} = α {alpha} × Σ β·q/Q {weighted}），为备案分级</translation>
    </message>
    <message>
        <source>major hazard (S = {s} ≥ 1)</source>
        <translation>重大危险源（S = {s} ≥ 1）</translation>
    </message>
    <message>
        <source>{evaluation}; {condition}: at least {level} by direct determination</source>
        <translation>{evaluation}；{condition}：直接判定不低于 {level}</translation>
    </message>
    <message>
        <source>{condition}: {level} by direct determination ({basis})</source>
        <translation>{condition}：直接判定为 {level}（{basis}）</translation>
    </message>
    <message>
        <source>{head}, without it {evaluation}</source>
        <translation>{head}；若不计此项，{evaluation}</translation>
    </message>
    <message>
        <source>{hazard} is {level} (inherent {inherent}: {explanation})</source>
        <translation>{hazard} 当前为 {level}（固有风险 {inherent}：{explanation}）</translation>
    </message>
    <message>
        <source>{head}, {previous} before {time}</source>
        <translation>{head}，{time} 前为 {previous}</translation>
    </message>
    <message>
        <source>{head}: no live evidence raises it.</source>
        <translation>{head}：无实时证据使其升级。</translation>
    </message>
    <message>
        <source>{head} because:</source>
        <translation>{head}，升级依据：</translation>
    </message>
    <message>
        <source>{head}; live evidence:</source>
        <translation>{head}；实时证据：</translation>
    </message>
    <message>
        <source>  - {indicator}: {what} → {level} since {time} ({held}): {detail}</source>
        <translation>  - {indicator}：{what} → {level}，自 {time} 起（{held}）：{detail}</translation>
    </message>
    <message>
        <source>  - {indicator}: {what} → {level} since {time}: {detail}</source>
        <translation>  - {indicator}：{what} → {level}，自 {time} 起：{detail}</translation>
    </message>
    <message>
        <source>{tag} bad quality: interlock state unknown for {n} s, taken as bypassed</source>
        <translation>{tag} 质量坏：联锁状态未知已 {n} 秒，按已旁路处理</translation>
    </message>
    <message>
        <source>{tag} bad quality: interlock state unknown (data lost), not yet bypassed</source>
        <translation>{tag} 质量坏：联锁状态未知（数据丢失），尚未按旁路处理</translation>
    </message>
    <message>
        <source>{tag} bad quality: {reason}</source>
        <translation>{tag} 质量坏：{reason}</translation>
    </message>
    <message>
        <source>{tag} bad quality ({device} unreachable)</source>
        <translation>{tag} 坏值（{device} 通讯中断）</translation>
    </message>
    <message>
        <source>{tag} bad quality</source>
        <translation>{tag} 坏值</translation>
    </message>
    <message>
        <source>{tag} calibration overdue since {date}</source>
        <translation>{tag} 校准自 {date} 起逾期</translation>
    </message>
    <message>
        <source>{tag} = 0: interlock out of service</source>
        <translation>{tag} = 0：联锁已切除</translation>
    </message>
    <message>
        <source>{state}: {message}</source>
        <translation>{state}：{message}</translation>
    </message>
    <message>
        <source>{count} indicators at {level}: one step more severe</source>
        <translation>{count} 项指标处于 {level}：风险升高一级</translation>
    </message>
    <message>
        <source>blast furnace</source>
        <translation>高炉</translation>
    </message>
    <message>
        <source>hot stoves</source>
        <translation>热风炉</translation>
    </message>
    <message>
        <source>pulverised-coal injection</source>
        <translation>喷煤系统</translation>
    </message>
    <message>
        <source>converter</source>
        <translation>转炉</translation>
    </message>
    <message>
        <source>electric arc furnace</source>
        <translation>电弧炉</translation>
    </message>
    <message>
        <source>gas recovery</source>
        <translation>煤气回收</translation>
    </message>
    <message>
        <source>waste-heat boiler</source>
        <translation>余热锅炉</translation>
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
        <source>gas water seal / drain</source>
        <translation>煤气水封/排水器</translation>
    </message>
    <message>
        <source>oxygen station</source>
        <translation>制氧站</translation>
    </message>
    <message>
        <source>ammonia storage</source>
        <translation>液氨/氨区</translation>
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
        <source>Calibration</source>
        <translation>校准</translation>
    </message>
    <message>
        <source>Management</source>
        <translation>管理因素</translation>
    </message>
    <message>
        <source>escalated: {what}</source>
        <translation>叠加升级：{what}</translation>
    </message>
</context>
<context>
    <name>rules</name>
    <message>
        <source>no data</source>
        <translation>无数据</translation>
    </message>
    <message>
        <source>rising</source>
        <translation>上升</translation>
    </message>
    <message>
        <source>falling</source>
        <translation>下降</translation>
    </message>
    <message>
        <source>{term} = {value}{unit} ({detail})</source>
        <translation>{term} = {value}{unit}（{detail}）</translation>
    </message>
    <message>
        <source>{term} = {value}{unit}</source>
        <translation>{term} = {value}{unit}</translation>
    </message>
    <message>
        <source>FOREWARN_LANGUAGE</source>
        <translation>zh_CN</translation>
    </message>
    <message>
        <source>raised</source>
        <translation>已触发</translation>
    </message>
    <message>
        <source>timing</source>
        <translation>计时中</translation>
    </message>
    <message>
        <source>not holding</source>
        <translation>条件不成立</translation>
    </message>
    <message>
        <source>{name}: {state}</source>
        <translation>{name}：{state}</translation>
    </message>
    <message>
        <source>when: {condition}</source>
        <translation>条件：{condition}</translation>
    </message>
    <message>
        <source>rule: {text}</source>
        <translation>规则：{text}</translation>
    </message>
    <message>
        <source>for: {duration}</source>
        <translation>持续：{duration}</translation>
    </message>
    <message>
        <source>error: {error}</source>
        <translation>错误：{error}</translation>
    </message>
    <message>
        <source>held: {reason}</source>
        <translation>保持：{reason}</translation>
    </message>
    <message>
        <source>  {term}</source>
        <translation>  {term}</translation>
    </message>
    <message>
        <source>at raising:</source>
        <translation>触发时：</translation>
    </message>
    <message>
        <source>{tag} has no value</source>
        <translation>{tag} 无数值</translation>
    </message>
    <message>
        <source>{tag} at {value}{unit}, beyond its {kind} limit {limit}{unit}</source>
        <translation>{tag} 为 {value}{unit}，超出 {kind} 限值 {limit}{unit}</translation>
    </message>
    <message>
        <source>{tag} moving towards its {kind} limit {limit}{unit}: {change}{unit} in {span}</source>
        <translation>{tag} 正趋向 {kind} 限值 {limit}{unit}：{span}内 {change}{unit}</translation>
    </message>
    <message>
        <source>{tag} still rising: {change}{unit} in {span}</source>
        <translation>{tag} 仍在上升：{span}内 {change}{unit}</translation>
    </message>
    <message>
        <source>{tag} still falling: {change}{unit} in {span}</source>
        <translation>{tag} 仍在下降：{span}内 {change}{unit}</translation>
    </message>
    <message>
        <source>the condition is unknown (not enough data)</source>
        <translation>条件无法判定（数据不足）</translation>
    </message>
    <message>
        <source>the condition has been false for {duration} of {clear}</source>
        <translation>条件已不成立 {duration}（需 {clear}）</translation>
    </message>
    <message>
        <source>raised {duration} ago, held at least {hold}</source>
        <translation>已触发 {duration}，至少保持 {hold}</translation>
    </message>
    <message>
        <source>{now} now, {then} then</source>
        <translation>当前 {now}，此前 {then}</translation>
    </message>
    <message>
        <source>noise {noise}</source>
        <translation>噪声 {noise}</translation>
    </message>
    <message>
        <source>not enough data</source>
        <translation>数据不足</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>change {change} {relation} {threshold}</source>
        <translation>变化 {change} {relation} {threshold}</translation>
    </message>
    <message>
        <source>{tag} {trend} {change}{unit} in {span}</source>
        <translation>{tag} 在 {span} 内{trend} {change}{unit}</translation>
    </message>
    <message>
        <source>{n} buckets</source>
        <translation>{n} 个时段</translation>
    </message>
    <message>
        <source>{n} rising in {span}: {names}</source>
        <translation>{span} 内 {n} 个上升：{names}</translation>
    </message>
    <message>
        <source>none rising</source>
        <translation>无上升</translation>
    </message>
    <message>
        <source>{n} above {threshold}: {names}</source>
        <translation>{n} 个高于 {threshold}：{names}</translation>
    </message>
    <message>
        <source>none above</source>
        <translation>无超出</translation>
    </message>
    <message>
        <source>{n} within {radius} m: {names}</source>
        <translation>{radius} 米范围内 {n} 个：{names}</translation>
    </message>
    <message>
        <source>{n} rising</source>
        <translation>{n} 个上升</translation>
    </message>
    <message>
        <source>{n} neighbouring detectors rising in {span}: {names}</source>
        <translation>{span} 内 {n} 个相邻检测器同时上升：{names}</translation>
    </message>
    <message>
        <source>offline: {names}</source>
        <translation>离线：{names}</translation>
    </message>
    <message>
        <source>all reporting</source>
        <translation>全部在线</translation>
    </message>
    <message>
        <source>true for {duration} of {span}</source>
        <translation>已成立 {duration}（需 {span}）</translation>
    </message>
    <message>
        <source>not true</source>
        <translation>不成立</translation>
    </message>
    <message>
        <source>{message} — {evidence}</source>
        <translation>{message} — {evidence}</translation>
    </message>
    <message>
        <source>{left} is above {right}</source>
        <translation>{left} 高于 {right}</translation>
    </message>
    <message>
        <source>{left} is at least {right}</source>
        <translation>{left} 不低于 {right}</translation>
    </message>
    <message>
        <source>{left} is below {right}</source>
        <translation>{left} 低于 {right}</translation>
    </message>
    <message>
        <source>{left} is at most {right}</source>
        <translation>{left} 不高于 {right}</translation>
    </message>
    <message>
        <source>{left} equals {right}</source>
        <translation>{left} 等于 {right}</translation>
    </message>
    <message>
        <source>{left} differs from {right}</source>
        <translation>{left} 不等于 {right}</translation>
    </message>
    <message>
        <source>by more than {change}{unit}</source>
        <translation>超过 {change}{unit}</translation>
    </message>
    <message>
        <source>beyond the noise</source>
        <translation>超出噪声</translation>
    </message>
    <message>
        <source>rising {how} in {span}</source>
        <translation>在 {span}内上升{how}</translation>
    </message>
    <message>
        <source>falling {how} in {span}</source>
        <translation>在 {span}内下降{how}</translation>
    </message>
    <message>
        <source>above {value}{unit}</source>
        <translation>高于 {value}{unit}</translation>
    </message>
    <message>
        <source>offline (no value)</source>
        <translation>离线（无数值）</translation>
    </message>
    <message>
        <source>at least {n} of {pattern} {predicate}</source>
        <translation>{pattern} 中至少 {n} 个测点{predicate}</translation>
    </message>
    <message>
        <source>({a} {op} {b})</source>
        <translation>（{a} {op} {b}）</translation>
    </message>
    <message>
        <source>the change of {tag} in {span}</source>
        <translation>{tag} 在{span}内的变化</translation>
    </message>
    <message>
        <source>the trend of {tag} over {span}</source>
        <translation>{tag} 在{span}内的趋势</translation>
    </message>
    <message>
        <source>the mean of {tag} over {span}</source>
        <translation>{tag} 在{span}内的平均值</translation>
    </message>
    <message>
        <source>the highest {tag} over {span}</source>
        <translation>{tag} 在{span}内的最高值</translation>
    </message>
    <message>
        <source>the lowest {tag} over {span}</source>
        <translation>{tag} 在{span}内的最低值</translation>
    </message>
    <message>
        <source>the number of {pattern} {predicate}</source>
        <translation>{pattern} 中{predicate}的测点数</translation>
    </message>
    <message>
        <source>whether {condition}</source>
        <translation>{condition}（是否成立）</translation>
    </message>
    <message>
        <source>{a}, and {b}</source>
        <translation>{a}，且 {b}</translation>
    </message>
    <message>
        <source>{a}, or {b}</source>
        <translation>{a}，或 {b}</translation>
    </message>
    <message>
        <source>{condition}</source>
        <translation>{condition}</translation>
    </message>
    <message>
        <source>not ({condition})</source>
        <translation>并非（{condition}）</translation>
    </message>
    <message>
        <source>always</source>
        <translation>始终</translation>
    </message>
    <message>
        <source>never</source>
        <translation>从不</translation>
    </message>
    <message>
        <source>{tag} is on</source>
        <translation>{tag} 为开</translation>
    </message>
    <message>
        <source>{tag} {trend}</source>
        <translation>{tag} {trend}</translation>
    </message>
    <message>
        <source>{n} or more of {pattern} within {radius} m of each other {trend}</source>
        <translation>{pattern} 中相距 {radius} 米以内至少 {n} 个测点{trend}</translation>
    </message>
    <message>
        <source>{condition}, without a break for {span}</source>
        <translation>{condition}，且连续保持 {span}</translation>
    </message>
    <message>
        <source>{value} is not zero</source>
        <translation>{value} 不为零</translation>
    </message>
    <message>
        <source>({condition})</source>
        <translation>（{condition}）</translation>
    </message>
</context>
<context>
    <name>settings</name>
    <message>
        <source>Alarms &amp; warnings</source>
        <translation>报警与预警</translation>
    </message>
    <message>
        <source>Devices</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>位号</translation>
    </message>
    <message>
        <source>Hazard sources</source>
        <translation>危险源</translation>
    </message>
    <message>
        <source>Rules</source>
        <translation>规则</translation>
    </message>
    <message>
        <source>Map</source>
        <translation>厂区图</translation>
    </message>
    <message>
        <source>Security</source>
        <translation>安全</translation>
    </message>
    <message>
        <source>Notifications</source>
        <translation>通知</translation>
    </message>
    <message>
        <source>Regulator points</source>
        <translation>监管上报测点</translation>
    </message>
    <message>
        <source>Risk inventory</source>
        <translation>风险分级管控清单</translation>
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
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Hazard source</source>
        <translation>危险源</translation>
    </message>
    <message>
        <source>Hidden danger</source>
        <translation>隐患</translation>
    </message>
    <message>
        <source>Grade</source>
        <translation>等级</translation>
    </message>
    <message>
        <source>Responsible</source>
        <translation>责任人</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>整改期限</translation>
    </message>
    <message>
        <source>Measures</source>
        <translation>整改措施</translation>
    </message>
    <message>
        <source>Funds</source>
        <translation>资金</translation>
    </message>
    <message>
        <source>Accepted by</source>
        <translation>验收人</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>到期日</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
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
        <source>Until</source>
        <translation>截止</translation>
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
        <source>Audit trail head: none (empty)</source>
        <translation>审计记录末条：无（为空）</translation>
    </message>
    <message>
        <source>Audit trail head: #{id} {hash}…</source>
        <translation>审计记录末条：#{id} {hash}…</translation>
    </message>
    <message>
        <source>Alarm shift report — {plant}</source>
        <translation>报警交接班报表 — {plant}</translation>
    </message>
    <message>
        <source>Forewarn shift report</source>
        <translation>Forewarn 交接班报表</translation>
    </message>
    <message>
        <source>Nothing to report: the journal holds no alarm activity for this period.</source>
        <translation>无可报告内容：本时段报警日志中没有任何报警活动。</translation>
    </message>
    <message>
        <source>Alarm system performance (EEMUA 191)</source>
        <translation>报警系统性能（EEMUA 191）</translation>
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
        <source>Calibration overdue and due this week</source>
        <translation>校准逾期及本周到期</translation>
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
        <source>overdue by {n} d</source>
        <translation>已逾期 {n} 天</translation>
    </message>
    <message>
        <source>due in {n} d</source>
        <translation>{n} 天后到期</translation>
    </message>
    <message>
        <source>none at the end of the shift</source>
        <translation>交班时无</translation>
    </message>
    <message>
        <source>Alarm floods</source>
        <translation>报警泛滥</translation>
    </message>
    <message>
        <source>Top bad actors</source>
        <translation>最频发报警</translation>
    </message>
    <message>
        <source>Alarms standing at the end of the shift</source>
        <translation>班末仍存在的报警</translation>
    </message>
    <message>
        <source>Unacknowledged at the end of the shift</source>
        <translation>班末未确认的报警</translation>
    </message>
    <message>
        <source>Shelved, suppressed and out of service</source>
        <translation>搁置、抑制和退出服务</translation>
    </message>
    <message>
        <source>Activations during the shift ({n})</source>
        <translation>本班报警发生记录（{n}）</translation>
    </message>
    <message>
        <source>Changes during the shift:</source>
        <translation>本班内的变更：</translation>
    </message>
    <message>
        <source>The first {shown} of {n} activations are listed.</source>
        <translation>共 {n} 条发生记录，仅列出前 {shown} 条。</translation>
    </message>
    <message>
        <source>until it clears</source>
        <translation>恢复正常为止</translation>
    </message>
    <message>
        <source>no expiry</source>
        <translation>无期限</translation>
    </message>
    <message>
        <source>not recorded</source>
        <translation>未记录</translation>
    </message>
    <message>
        <source>no rows</source>
        <translation>无记录</translation>
    </message>
    <message>
        <source>The first {shown} of {n} rows are printed; export CSV for all.</source>
        <translation>共 {n} 行，仅打印前 {shown} 行；如需全部请导出 CSV。</translation>
    </message>
    <message>
        <source>Regulator link</source>
        <translation>监管平台联网</translation>
    </message>
    <message>
        <source>Online rate {online}, completeness {complete}; last delivery {last}; backlog {backlog} messages{age}; {refused} refused.</source>
        <translation>在线率 {online}，完整率 {complete}；最近上报 {last}；待补传 {backlog} 条{age}；被拒收 {refused} 条。</translation>
    </message>
    <message>
        <source>, the oldest {minutes} min old</source>
        <translation>，最早一条已积压 {minutes} 分钟</translation>
    </message>
    <message>
        <source>never</source>
        <translation>从未</translation>
    </message>
    <message>
        <source>Alarm responses ({given} of {n} given, {overdue} overdue)</source>
        <translation>报警处置反馈（已填报 {given}/{n}，超期 {overdue}）</translation>
    </message>
    <message>
        <source>Refused by the platform</source>
        <translation>平台拒收</translation>
    </message>
    <message>
        <source>not given</source>
        <translation>未填报</translation>
    </message>
    <message>
        <source>Point</source>
        <translation>测点</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>在线率</translation>
    </message>
    <message>
        <source>Complete</source>
        <translation>完整率</translation>
    </message>
    <message>
        <source>Ended</source>
        <translation>结束</translation>
    </message>
    <message>
        <source>Cause</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Measure</source>
        <translation>处置措施</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>平台应答</translation>
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
        <source>SHORT</source>
        <translation>应答过短</translation>
    </message>
    <message>
        <source>LONG</source>
        <translation>应答过长</translation>
    </message>
    <message>
        <source>PLAIN PASSWORD</source>
        <translation>明文密码</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>no connection to the server</source>
        <translation>与服务器的连接中断</translation>
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
    <name>tag_model</name>
    <message>
        <source>Modbus: hr:N, ir:N, co:N, di:N, hr:N.B (bit B); OPC UA: ns=2;s=Name or nsu=URI;s=Name</source>
        <translation>Modbus：hr:N、ir:N、co:N、di:N、hr:N.B（第 B 位）；OPC UA：ns=2;s=Name 或 nsu=URI;s=Name</translation>
    </message>
    <message>
        <source>int16, uint16, int32, uint32, float32, float64, bool (empty: from the address)</source>
        <translation>int16、uint16、int32、uint32、float32、float64、bool（留空：按地址推定）</translation>
    </message>
    <message>
        <source>big = ABCD, little = CDAB; empty: the device&apos;s</source>
        <translation>big = ABCD，little = CDAB；留空：沿用设备设置</translation>
    </message>
    <message>
        <source>value = raw × scale + offset</source>
        <translation>数值 = 原始值 × 比例系数 + 偏移量</translation>
    </message>
    <message>
        <source>bool tags: alarm while the value equals this (true/false)</source>
        <translation>开关量位号：数值等于此值时报警（true/false）</translation>
    </message>
    <message>
        <source>next calibration or bump test, YYYY-MM-DD; once overdue the detector is a blind spot</source>
        <translation>下次校准或功能测试日期，YYYY-MM-DD；逾期后该探测器视为监测盲区</translation>
    </message>
    <message>
        <source>the description in Simplified Chinese: what the Chinese screens show (empty: the description)</source>
        <translation>简体中文描述：中文界面显示此描述（为空时显示描述）</translation>
    </message>
    <message>
        <source>name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>description</source>
        <translation>描述</translation>
    </message>
    <message>
        <source>unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <source>device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>type</source>
        <translation>数据类型</translation>
    </message>
    <message>
        <source>scale</source>
        <translation>比例系数</translation>
    </message>
    <message>
        <source>offset</source>
        <translation>偏移量</translation>
    </message>
    <message>
        <source>range_lo</source>
        <translation>量程下限</translation>
    </message>
    <message>
        <source>range_hi</source>
        <translation>量程上限</translation>
    </message>
    <message>
        <source>word_order</source>
        <translation>字序</translation>
    </message>
    <message>
        <source>area</source>
        <translation>区域</translation>
    </message>
    <message>
        <source>map_x</source>
        <translation>图上 X</translation>
    </message>
    <message>
        <source>map_y</source>
        <translation>图上 Y</translation>
    </message>
    <message>
        <source>LL</source>
        <translation>LL</translation>
    </message>
    <message>
        <source>L</source>
        <translation>L</translation>
    </message>
    <message>
        <source>H</source>
        <translation>H</translation>
    </message>
    <message>
        <source>HH</source>
        <translation>HH</translation>
    </message>
    <message>
        <source>deadband</source>
        <translation>死区</translation>
    </message>
    <message>
        <source>on_delay_s</source>
        <translation>报警延时 (s)</translation>
    </message>
    <message>
        <source>off_delay_s</source>
        <translation>解除延时 (s)</translation>
    </message>
    <message>
        <source>state</source>
        <translation>报警状态</translation>
    </message>
    <message>
        <source>priority_LL</source>
        <translation>LL 级别</translation>
    </message>
    <message>
        <source>priority_L</source>
        <translation>L 级别</translation>
    </message>
    <message>
        <source>priority_H</source>
        <translation>H 级别</translation>
    </message>
    <message>
        <source>priority_HH</source>
        <translation>HH 级别</translation>
    </message>
    <message>
        <source>priority_state</source>
        <translation>状态报警级别</translation>
    </message>
    <message>
        <source>message</source>
        <translation>报警信息</translation>
    </message>
    <message>
        <source>writable</source>
        <translation>可写</translation>
    </message>
    <message>
        <source>calibration_due</source>
        <translation>校准到期</translation>
    </message>
    <message>
        <source>description_zh</source>
        <translation>中文描述</translation>
    </message>
    <message>
        <source>duplicate tag name {name} (first on row {row})</source>
        <translation>位号名称 {name} 重复（首次出现在第 {row} 行）</translation>
    </message>
    <message>
        <source>{message} on row {row}</source>
        <translation>{message}（第 {row} 行）</translation>
    </message>
    <message>
        <source>(no name)</source>
        <translation>（未命名）</translation>
    </message>
    <message>
        <source>tag row {row} {name}, {column}: {message}</source>
        <translation>位号第 {row} 行 {name}，{column}：{message}</translation>
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
<context>
    <name>uplink</name>
    <message>
        <source>Due</source>
        <translation>截止</translation>
    </message>
    <message>
        <source>Alarm</source>
        <translation>报警</translation>
    </message>
    <message>
        <source>Point</source>
        <translation>测点</translation>
    </message>
    <message>
        <source>Ended</source>
        <translation>结束</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Cause</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Measure</source>
        <translation>处置措施</translation>
    </message>
    <message>
        <source>By</source>
        <translation>处置人</translation>
    </message>
    <message>
        <source>given {when}</source>
        <translation>已填报 {when}</translation>
    </message>
    <message>
        <source>overdue</source>
        <translation>已超期</translation>
    </message>
    <message>
        <source>open</source>
        <translation>待填报</translation>
    </message>
    <message>
        <source>Tag</source>
        <translation>位号</translation>
    </message>
    <message>
        <source>Expected</source>
        <translation>应报</translation>
    </message>
    <message>
        <source>Delivered</source>
        <translation>已送达</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>在线率</translation>
    </message>
    <message>
        <source>Complete</source>
        <translation>完整率</translation>
    </message>
</context>
<context>
    <name>values</name>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
</context>
<context>
    <name>warning</name>
    <message>
        <source>rising</source>
        <translation>上升</translation>
    </message>
    <message>
        <source>falling</source>
        <translation>下降</translation>
    </message>
    <message>
        <source>{tag} predicted to reach {value}{unit} in {eta} (±{err}), {trend} {rate}{unit}/min</source>
        <translation>{tag} 预计 {eta}（±{err}）后达到 {value}{unit}，{trend} {rate}{unit}/分钟</translation>
    </message>
    <message>
        <source>{tag}: forecast cleared (trend turned or limit reached)</source>
        <translation>{tag}：预测预警消除（趋势反转或已达限值）</translation>
    </message>
    <message>
        <source>{tag}: back to its normal behaviour</source>
        <translation>{tag}：已恢复正常</translation>
    </message>
    <message>
        <source>{tag} flat-lined: no change for {duration} (it normally moves {move}{unit} per bucket)</source>
        <translation>{tag} 数值僵直：{duration} 无变化（正常每时段变化 {move}{unit}）</translation>
    </message>
    <message>
        <source>{tag} stepped {step}{unit} in {duration} (normal scatter {scatter}{unit})</source>
        <translation>{tag} 在 {duration} 内阶跃 {step}{unit}（正常波动 {scatter}{unit}）</translation>
    </message>
    <message>
        <source>{tag} drifted to {value}{unit}, {z} σ from its normal {normal}{unit} (learned over {duration})</source>
        <translation>{tag} 漂移至 {value}{unit}，偏离正常值 {normal}{unit} {z} σ（基于 {duration} 学习）</translation>
    </message>
    <message>
        <source>{tag}: learning again ({why})</source>
        <translation>{tag}：重新学习（{why}）</translation>
    </message>
    <message>
        <source> (basis: {basis})</source>
        <translation>（依据：{basis}）</translation>
    </message>
    <message>
        <source>It approaches {limit} {value}{unit}, an alarm of priority {prio}{basis}: level {level}, from {by_time} by the time left ({eta}) and never more urgent than the alarm it predicts.</source>
        <translation>趋近 {limit} {value}{unit}，该报警为 {prio} 级{basis}：预警 {level} 级；按剩余时间（{eta}）为 {by_time} 级，且不高于所预测报警的级别。</translation>
    </message>
    <message>
        <source>Trend over the last {window} ({n} buckets of {step} means, bad samples left out).</source>
        <translation>最近 {window} 的趋势（{n} 个 {step} 时段均值，已剔除坏值样本）。</translation>
    </message>
    <message>
        <source>Forecast for {tag}</source>
        <translation>{tag} 的趋势预测</translation>
    </message>
    <message>
        <source>Robust slope {slope}{unit}/min (± {err}), level now {level}{unit}, noise {noise}{unit}.</source>
        <translation>稳健斜率 {slope}{unit}/分钟（± {err}），当前水平 {level}{unit}，噪声 {noise}{unit}。</translation>
    </message>
    <message>
        <source>Warning when the next limit is predicted within {horizon}; level I ≤ {i}, II ≤ {ii}, III ≤ {iii}, IV ≤ {iv}.</source>
        <translation>预计在 {horizon} 内达到下一限值时预警；等级 I ≤ {i}，II ≤ {ii}，III ≤ {iii}，IV ≤ {iv}。</translation>
    </message>
    <message>
        <source>No anomaly now.</source>
        <translation>当前无异常。</translation>
    </message>
    <message>
        <source>Baseline {mean}{unit} ± {sd}{unit} learned over {duration}; drift when {drift} σ away for {hold} buckets, step at {step} σ of the bucket-to-bucket scatter.</source>
        <translation>基线 {mean}{unit} ± {sd}{unit}，基于 {duration} 学习；偏离 {drift} σ 持续 {hold} 个时段判为漂移，时段间变化超过 {step} σ 判为阶跃。</translation>
    </message>
    <message>
        <source>Anomaly on {tag}</source>
        <translation>{tag} 异常</translation>
    </message>
    <message>
        <source>{group}: its tags move together again</source>
        <translation>{group}：各测点恢复协同变化</translation>
    </message>
    <message>
        <source>{group}: its tags no longer move as they did when normal ({stat} {ratio} times its limit for {hold} buckets); most from {most}</source>
        <translation>{group}：各测点不再像正常时那样协同变化（{stat} 为其控制限的 {ratio} 倍，已持续 {hold} 个时段）；贡献最大：{most}</translation>
    </message>
    <message>
        <source>Tags of {group} moving together</source>
        <translation>{group} 各测点的协同变化</translation>
    </message>
    <message>
        <source>Learning: {seen} of {learn} seen.</source>
        <translation>学习中：已学习 {seen}，共需 {learn}。</translation>
    </message>
    <message>
        <source>{n} tags, {k} principal components learned from {rows} buckets of {step}; T² limit {t2}, Q limit {q} at {confidence} confidence; a warning after {hold} buckets over.</source>
        <translation>{n} 个测点，{k} 个主成分，由 {rows} 个 {step} 时段学习得到；置信度 {confidence} 下 T² 控制限 {t2}、Q 控制限 {q}；连续 {hold} 个时段超限即预警。</translation>
    </message>
</context>
</TS>
