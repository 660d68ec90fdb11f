"""Words in Chinese and English: labels, statuses, message templates and export headers.

:func:`t` looks up a key in the chosen language and falls back to English, then the key.
Category, fitting and rule labels live in the catalogue, not here.
"""

from __future__ import annotations

from baseline.i18n_workspace import WORKSPACE_STRINGS

LANGS = ("zh", "en")

STRINGS: dict[str, dict[str, str]] = {
    # statuses
    "pass": {"zh": "通过", "en": "pass"},
    "fail": {"zh": "不通过", "en": "fail"},
    "warn": {"zh": "提示", "en": "warn"},
    "not_applicable": {"zh": "不适用", "en": "not applicable"},
    # finding columns
    "project_id": {"zh": "项目编号", "en": "project_id"},
    "category": {"zh": "项目类别", "en": "category"},
    "rule_id": {"zh": "规则编号", "en": "rule_id"},
    "clause": {"zh": "条款", "en": "clause"},
    "confidence": {"zh": "可信度", "en": "confidence"},
    "status": {"zh": "结果", "en": "status"},
    "measured": {"zh": "实测值", "en": "measured"},
    "required": {"zh": "要求值", "en": "required"},
    "unit": {"zh": "单位", "en": "unit"},
    "message": {"zh": "说明", "en": "message"},
    "obligation": {"zh": "约束", "en": "obligation"},
    "building_id": {"zh": "建筑编号", "en": "building_id"},
    "document": {"zh": "标准文件", "en": "document"},
    "scope": {"zh": "范围", "en": "scope"},
    "why": {"zh": "原因", "en": "why"},
    "name": {"zh": "名称", "en": "name"},
    "shall": {"zh": "应", "en": "shall"},
    "should": {"zh": "宜", "en": "should"},
    # message templates
    "msg_pass": {
        "zh": "{subject}{m}{u}，满足{op}{t}{u}（{clause}）",
        "en": "{subject} {m}{u} meets {op} {t}{u} ({clause})",
    },
    "msg_fail": {
        "zh": "{subject}{m}{u}，不满足{op}{t}{u}的要求（{clause}）",
        "en": "{subject} {m}{u} {neg} {t}{u} required ({clause})",
    },
    "msg_none": {
        "zh": "方案中没有{fitting}，要求{op}{t}{u}（{clause}）",
        "en": "no {fitting} in the plan; {op} {t}{u} required ({clause})",
    },
    "msg_skip": {
        "zh": "方案中没有{fitting}，由其他规则检查（{clause}）",
        "en": "no {fitting} in the plan to measure; another rule asks for it ({clause})",
    },
    "msg_absent": {
        "zh": "方案未设置{subject}，本条不适用（{clause}）",
        "en": "not applicable: no {subject} in the plan ({clause})",
    },
    "msg_na": {
        "zh": "不适用：适用条件为 {cond}（本项目为 {value}）",
        "en": "not applicable: applies when {cond} (here {value})",
    },
    "msg_missing_attr": {
        "zh": "无法检查：缺少属性 {attribute}，请在方案中补充",
        "en": "cannot check: missing attribute {attribute}; add it to the plan",
    },
    "msg_per_building": {
        "zh": "{clauses}按单体建筑判定；方案未给出单体建筑，已将整个项目按一栋建筑判定。"
        "请在用地红线内补充 building（单体建筑）要素，并填写 building_id、use、gfa_m2、floors",
        "en": "{clauses}: judged per single building (单体建筑), but the plan gives no building, "
        "so the whole project was judged as one building. Add building features inside the "
        "boundary with building_id, use, gfa_m2 and floors",
    },
    "req_category": {"zh": "类别在标准目录中", "en": "category in catalogue"},
    "req_buildings": {"zh": "给出单体建筑", "en": "building features"},
    "note_missing_attr": {
        "zh": "缺少属性 {attribute}",
        "en": "missing attribute {attribute}",
    },
    "note_no_coverage": {"zh": "本次运行无覆盖模型", "en": "no coverage model in this run"},
    "note_needs_centreline": {"zh": "需要道路中心线", "en": "needs a centreline"},
    # units (the unit codes of the catalogue; symbols such as m, m², mm read the same)
    "unit_share": {"zh": "%", "en": "share"},
    "unit_operators": {"zh": "家", "en": "operators"},
    "unit_holes": {"zh": "孔", "en": "holes"},
    "unit_pairs": {"zh": "对", "en": "pairs"},
    "unit_slots": {"zh": "个", "en": "slots"},
    "unit_sensors": {"zh": "个", "en": "sensors"},
    "unit_households/room": {"zh": "户/间", "en": "households/room"},
    "unit_households/cabinet": {"zh": "户/箱", "en": "households/cabinet"},
    "unit_fibres/household": {"zh": "芯/户", "en": "fibres/household"},
    "unit_m²/room": {"zh": "平方米/间", "en": "m²/room"},
    "unit_/km": {"zh": "个/公里", "en": "/km"},
    "unit_/ha": {"zh": "个/公顷", "en": "/ha"},
    "unit_/km2": {"zh": "个/平方公里", "en": "/km2"},
    "msg_unmeasured": {
        "zh": "无法检查：{note}（{clause}）",
        "en": "cannot check: {note} ({clause})",
    },
    "msg_unknown_category": {
        "zh": "类别“{category}”不在标准目录中，未检查任何规则；可用类别：{known}",
        "en": "category '{category}' is not in the catalogue, so no rule was checked; "
        "known categories: {known}",
    },
    "subject_count": {"zh": "{fitting}数量", "en": "{fitting} count"},
    "subject_attr": {"zh": "{fitting}{attribute}", "en": "{fitting} {attribute}"},
    "subject_ratio": {"zh": "每个{fitting}的{attribute}", "en": "{attribute} per {fitting}"},
    "subject_distance": {"zh": "最近{fitting}距离", "en": "distance to the nearest {fitting}"},
    "subject_coverage": {"zh": "{tech}覆盖率", "en": "{tech} covered share"},
    "subject_sensor_types": {"zh": "缺少的感知设备类型", "en": "sensor types missing"},
    "msg_sensor_types_unmet": {
        "zh": "{subject}{m}{u}，要求{op}{t}{u}：缺少 {detail}（{clause}）",
        "en": "{subject} {m}{u} {neg} {t}{u} required: missing {detail} ({clause})",
    },
    "subject_sensor_reach": {"zh": "无法回传的感知设备", "en": "sensors that cannot report"},
    "msg_sensor_reach_unmet": {
        "zh": "{subject}{m}{u}，要求{op}{t}{u}：{detail}"
        "（与最近可服务站址的距离 > 可达距离；{clause}）",
        "en": "{subject} {m}{u} {neg} {t}{u} required: {detail} (distance to the nearest "
        "serving site > reach; {clause})",
    },
    "msg_coverage_unmet": {
        "zh": "{subject}{m}{u}，不满足{op}{t}{u}的要求（{clause}）；"
        "按方案站址和现状基站各自的链路预算模拟，内置基站为2014年单一运营商的部分样本，"
        "请用 --assets 提供真实站址",
        "en": "{subject} {m}{u} {neg} {t}{u} required ({clause}); modelled from the plan's sites "
        "and the existing towers, each with its own link budget; the bundled towers are a "
        "partial 2014 single-operator sample: give real sites with --assets",
    },
    "subject_spacing": {"zh": "{fitting}平均间距", "en": "{fitting} average spacing"},
    "subject_density": {"zh": "{fitting}密度", "en": "{fitting} density"},
    # co-build explanations
    "align_dates": {"zh": "调整工期", "en": "align dates"},
    "shared_traffic_management": {"zh": "共用交通组织", "en": "shared traffic management"},
    "align_reinstatement": {"zh": "统一路面恢复", "en": "align reinstatement"},
    "route_into_tunnel": {"zh": "入综合管廊", "en": "route into utility tunnel"},
    "protected_road": {"zh": "保护期道路", "en": "protected road"},
    "lead_time": {"zh": "提前申报期", "en": "lead time"},
    "cobuild_trench": {
        "zh": "{a} 与 {b} 作业区相距 {distance:.1f} 米，{when}，共同开挖同一道路 {length:.0f} 米；"
        "{compat}；{move}",
        "en": "{a} and {b}: works zones {distance:.1f} m apart, {when}; both dig {length:.0f} m of "
        "the same street; {compat}; {move}",
    },
    "cobuild_overlap": {
        "zh": "施工期重叠 {start:%Y-%m-%d}~{end:%Y-%m-%d}（{days} 天）",
        "en": "overlap in time {start:%Y-%m-%d} to {end:%Y-%m-%d} ({days} days)",
    },
    "cobuild_apart": {"zh": "施工期相隔 {days} 天", "en": "{days} days apart"},
    "cobuild_kind_shared_trench": {"zh": "同沟共建", "en": "shared trench"},
    "cobuild_kind_align_dates": {
        "zh": "调整工期（重叠不足 {need} 天，暂不计节约；对齐后可共沟节约 {potential}）",
        "en": "align dates (less than {need} days in common: no saving counted; aligned, the "
        "shared trench would save {potential})",
    },
    "cobuild_kind_shared_traffic_management": {
        "zh": "仅共用交通组织（不同沟）",
        "en": "share traffic management only (no shared trench)",
    },
    "cobuild_kind_align_reinstatement": {
        "zh": "先管线后路面，一次恢复（不同沟）",
        "en": "align reinstatement: the utility digs before the road is resurfaced (no shared "
        "trench)",
    },
    "cobuild_move_none": {
        "zh": "双方无需调整工期即可同时开挖 {need} 天",
        "en": "no member needs to move to dig together for {need} days",
    },
    "cobuild_move": {
        "zh": "如需同时开挖 {need} 天：{early} 推迟 {days} 天，或 {late} 提前 {days} 天",
        "en": "to dig together for {need} days: {early} moves {days} days later, or {late} "
        "{days} days earlier",
    },
    "cobuild_compat_clearance": {
        "zh": "{ua}与{ub}可同沟，水平净距不小于 {clearance} 米（{source}；可信度 {confidence}）",
        "en": "{ua} and {ub} may share the trench with at least {clearance} m horizontal "
        "clearance ({source}; confidence {confidence})",
    },
    "cobuild_compat_same": {
        "zh": "{ua}与{ub}可同沟（{source}；可信度 {confidence}）",
        "en": "{ua} and {ub} may share the trench ({source}; confidence {confidence})",
    },
    "cobuild_compat_no": {
        "zh": "{ua}与{ub}不同沟（{source}；可信度 {confidence}）",
        "en": "{ua} and {ub} do not share a trench ({source}; confidence {confidence})",
    },
    "cobuild_compat_unknown": {
        "zh": "未提供管线类别（utility），能否同沟未知",
        "en": "compatibility not known (no utility given)",
    },
    "cobuild_compat_unlisted": {
        "zh": "{ua}与{ub}能否同沟未列入目录，未知",
        "en": "compatibility of {ua} and {ub} not known (not in the catalogue's table)",
    },
    "cobuild_protected": {
        "zh": "{work} 开挖受保护道路 {road}（{kind}，保护至 {until:%Y-%m-%d}，城市道路管理条例"
        "第三十三条），施工期 {start:%Y-%m-%d}~{end:%Y-%m-%d}；{way}",
        "en": "{work} digs protected road {road} ({kind}, protected until {until:%Y-%m-%d}, "
        "城市道路管理条例 Art. 33) in {start:%Y-%m-%d} to {end:%Y-%m-%d}; {way}",
    },
    "cobuild_protected_join": {
        "zh": "可并入保护开始前开挖该路的 {others}，或推迟至 {after:%Y-%m-%d} 以后",
        "en": "join {others}, which dig it before the protection starts, or wait until "
        "{after:%Y-%m-%d}",
    },
    "cobuild_protected_wait": {
        "zh": "推迟至 {after:%Y-%m-%d} 以后（特殊情况须经县级以上城市人民政府批准）",
        "en": "wait until {after:%Y-%m-%d} (special cases need the approval of the city "
        "government)",
    },
    "cobuild_road_new": {"zh": "新建、扩建、改建", "en": "new"},
    "cobuild_road_major_repair": {"zh": "大修", "en": "major repair"},
    "cobuild_road_given": {"zh": "指定保护期", "en": "protection date given"},
    "cobuild_lead_time": {
        "zh": "{work} 为{cls}作业（作业区 {area:.0f} 平方米），应提前 {lead} 登记："
        "{registered:%Y-%m-%d} 登记、{start:%Y-%m-%d} 开工，差 {short} 天"
        "（{source}；可信度 {confidence}）",
        "en": "{work} is a {cls} works ({area:.0f} m2 zone) and needs {lead} notice: registered "
        "{registered:%Y-%m-%d}, starts {start:%Y-%m-%d}, {short} days short ({source}; "
        "confidence {confidence})",
    },
    "cobuild_tunnel": {
        "zh": "{work} 距综合管廊 {tunnel} {distance:.0f} 米，管廊有余量（{spare}），宜入廊敷设，"
        "少开挖 {length:.0f} 米",
        "en": "{work} is {distance:.0f} m from utility tunnel {tunnel}, which has spare capacity "
        "({spare}): route into it and dig {length:.0f} m less",
    },
    "cobuild_illustrative": {"zh": "示意估算", "en": "illustrative estimate"},
    "cobuild_cost_note": {
        "zh": "金额为示意估算（单价来源：{source}；可信度 {confidence}）",
        "en": "amounts are an illustrative estimate (unit cost: {source}; confidence {confidence})",
    },
    "cobuild_headline": {
        "zh": "共建可节约 ¥{wan:,.0f} 万（{caveat}）",
        "en": "Co-build saving CNY {millions:,.2f} M ({caveat})",
    },
    "cobuild_headline_sourced": {
        "zh": "共建可节约 ¥{wan:,.0f} 万",
        "en": "Co-build saving CNY {millions:,.2f} M",
    },
    "cobuild_colocate": {
        "zh": "现状{asset} {host} 距项目最远 {distance:.0f} 米，可供 {n} 个项目共址挂载",
        "en": "existing {asset} {host}, {distance:.0f} m from the project(s), can host {n} "
        "project(s): no new site needed",
    },
    "cobuild_new_site": {
        "zh": "新建1处共享站址服务 {n} 个项目，少建 {avoided} 处",
        "en": "one new shared site serves {n} project(s): {avoided} site(s) avoided",
    },
    "cobuild_pole_mount": {
        "zh": "{n} 个设备（{kinds}）距智慧杆 {distance:.1f} 米，宜挂载于杆上（GB/T 40994-2021）",
        "en": "{n} device(s) ({kinds}) within {distance:.1f} m of smart pole {pole}: mount them "
        "on it (GB/T 40994-2021)",
    },
    "cobuild_asset_tower": {"zh": "铁塔", "en": "tower"},
    "cobuild_asset_pole": {"zh": "杆", "en": "pole"},
    "cobuild_asset_sensor": {"zh": "感知设备", "en": "sensor"},
    "cobuild_asset_duct": {"zh": "管道", "en": "duct"},
    "cobuild_asset_other": {"zh": "设施", "en": "{kind}"},
    "cobuild_asset_utility_tunnel": {"zh": "综合管廊", "en": "utility tunnel"},
    # app labels
    "app_title": {"zh": "信息基础设施基建标配", "en": "ICT Baseline"},
    "page_map": {"zh": "地图", "en": "Map"},
    "page_check": {"zh": "方案检查", "en": "Check a site plan"},
    "page_cobuild": {"zh": "共建共享", "en": "Co-build"},
    "page_standards": {"zh": "标准目录", "en": "Standards"},
    "page_history": {"zh": "历史记录", "en": "History"},
    "language": {"zh": "语言", "en": "Language"},
    "basemap": {"zh": "底图", "en": "Basemap"},
    "basemap_none": {"zh": "无（边界与地铁）", "en": "none (boundary and metro)"},
    "tianditu_key": {"zh": "天地图密钥", "en": "Tianditu key"},
    "illustrative": {
        "zh": "项目与方案为示意数据（非真实项目）；基站为2014年单一运营商的部分样本（非现网），"
        "地铁、边界、监测站为真实公开数据；共建节约为示意估算。",
        "en": "Projects and site plans are ILLUSTRATIVE (not real projects); the towers are a "
        "partial 2014 single-operator sample (not today's network); metro, boundary and "
        "air-quality stations are real public data; co-build savings are illustrative estimates.",
    },
    "covered_share": {"zh": "浦东覆盖率", "en": "Covered share of Pudong"},
    "projects_failing": {"zh": "不通过项目", "en": "Projects failing"},
    "cobuild_saving": {"zh": "共建可节约", "en": "Co-build saving"},
    "filters": {"zh": "筛选", "en": "Filters"},
    "technology": {"zh": "制式", "en": "Technology"},
    "owner": {"zh": "建设单位", "en": "owner"},
    "date_window": {"zh": "施工时间窗", "en": "Date window"},
    "select_project": {
        "zh": "选择项目（或点击地图）",
        "en": "Choose a project (or click it on the map)",
    },
    "findings_of": {"zh": "检查结果：", "en": "Findings of "},
    "no_project": {
        "zh": "点击地图上的项目查看检查结果。",
        "en": "Click a project on the map to see its findings.",
    },
    "chart_status": {"zh": "各类别检查结果", "en": "Findings by category"},
    "chart_gaps": {"zh": "覆盖率分布（网格）", "en": "Coverage of grid cells"},
    "layer_boundary": {"zh": "浦东边界", "en": "Pudong boundary"},
    "layer_metro": {"zh": "地铁", "en": "Metro"},
    "layer_towers": {"zh": "现状基站", "en": "Existing towers"},
    "cluster_note": {"zh": "数字为聚合的基站数", "en": "numbers count grouped towers"},
    "layer_sensors": {"zh": "现状监测站", "en": "Existing sensors"},
    "layer_coverage": {"zh": "覆盖（网格）", "en": "Coverage (grid)"},
    "layer_gaps": {"zh": "覆盖空白（细节）", "en": "Coverage gaps (detail)"},
    "layer_projects": {"zh": "项目", "en": "Projects"},
    "layer_fittings": {"zh": "配套设施", "en": "Fittings"},
    "layer_buildings": {"zh": "单体建筑（不通过者为红色）", "en": "Buildings (failing in red)"},
    "building_failing": {"zh": "有不通过的规则", "en": "a rule fails"},
    "building_ok": {"zh": "无不通过的规则", "en": "no rule fails"},
    "legend_building_ok": {"zh": "单体建筑", "en": "Building"},
    "legend_building_fail": {"zh": "单体建筑：有不通过的规则", "en": "Building: a rule fails"},
    "layer_recs": {"zh": "共建建议", "en": "Co-build recommendations"},
    "legend": {"zh": "图例", "en": "Legend"},
    "upload": {"zh": "上传方案文件", "en": "Upload a site plan"},
    "upload_help": {
        "zh": "GeoJSON、GPKG、压缩 Shapefile、DXF、KML、GeoParquet、CSV/XLSX",
        "en": "GeoJSON, GPKG, zipped Shapefile, DXF, KML, GeoParquet, CSV/XLSX",
    },
    "crs_declare": {"zh": "坐标系（文件未声明时）", "en": "CRS (when the file does not say)"},
    "crs_auto": {"zh": "按文件", "en": "from the file"},
    "crs_hint": {
        "zh": "请在上方“坐标系”中选择 WGS84、GCJ-02、BD-09 或 EPSG 代码",
        "en": "choose WGS84, GCJ-02, BD-09 or an EPSG code under 'CRS' above",
    },
    "epsg_code": {"zh": "EPSG 代码", "en": "EPSG code"},
    "standard_choice": {"zh": "标准", "en": "Standard"},
    "standard_bundled": {"zh": "内置标准", "en": "bundled"},
    "standard_upload": {
        "zh": "上传区县补充标准（YAML）",
        "en": "upload a district override (YAML)",
    },
    "run_check": {"zh": "开始检查", "en": "Run the check"},
    "step_read": {"zh": "读取方案", "en": "Reading the site plan"},
    "step_check": {"zh": "逐条检查", "en": "Checking every rule"},
    "step_report": {"zh": "生成报告", "en": "Writing the report"},
    "done": {"zh": "完成", "en": "Done"},
    "download_csv": {"zh": "下载 CSV", "en": "Download CSV"},
    "download_xlsx": {"zh": "下载 XLSX", "en": "Download XLSX"},
    "download_html": {"zh": "下载 HTML 报告", "en": "Download HTML report"},
    "download_geojson": {"zh": "下载 GeoJSON", "en": "Download GeoJSON"},
    "download_gpkg": {"zh": "下载 GPKG", "en": "Download GPKG"},
    "kind": {"zh": "类型", "en": "kind"},
    "severity": {"zh": "冲突程度", "en": "severity"},
    "min_saving": {"zh": "最低节约（元）", "en": "Minimum saving (CNY)"},
    "recommendations": {"zh": "条建议", "en": "recommendations"},
    "saved_run": {"zh": "已保存为历史记录", "en": "Saved to history as run"},
    "single_user": {
        "zh": "单用户模式：运行记录以本机用户保存。配置 Streamlit OIDC 登录后记录保存人。",
        "en": "Single-user mode: runs are saved under this machine's user. Configure "
        "Streamlit's OIDC login ([auth] in secrets.toml) to record who saved each run.",
    },
    "no_runs": {"zh": "尚无检查记录。", "en": "No check runs yet."},
    "open_run": {"zh": "打开记录", "en": "Open run"},
    "unexpected": {
        "zh": "发生意外错误，已记录日志；请将文件与此信息反馈给开发者。",
        "en": "An unexpected error occurred and was logged; please report it with the file.",
    },
    "rule_count": {"zh": "条规则", "en": "rules"},
    "plan_map": {
        "zh": "方案地图（橙红色为不满足要求的设施和单体建筑，灰色建筑无不通过项）",
        "en": "The plan (failing fittings and buildings in vermilion; grey buildings pass)",
    },
    "shared_trench": {"zh": "共沟", "en": "shared trench"},
    "colocate": {"zh": "共址挂载", "en": "co-locate"},
    "new_shared_site": {"zh": "新建共享站址", "en": "new shared site"},
    "pole_mount": {"zh": "杆上挂载", "en": "pole mount"},
    "language_switch": {"zh": "语言 / Language", "en": "语言 / Language"},  # found in either
    "covered_help": {"zh": "{tech}，{sites} 个站址", "en": "{tech}, {sites} sites"},
    "saving_amount": {"zh": "¥{cny_10k:,.0f} 万", "en": "CNY {cny_m:,.2f} M"},
    "recs_total": {
        "zh": "**{count}** 条建议 · ¥{cny:,.0f}",
        "en": "**{count}** recommendations · CNY {cny:,.0f}",
    },
    "project_name": {"zh": "项目名称", "en": "name"},
    "coverage_legend": {"zh": "覆盖率", "en": "covered share"},
    "report_title": {"zh": "信息基础设施基建标配检查报告", "en": "ICT baseline compliance report"},
    "report_standard": {"zh": "标准", "en": "Standard"},
    "report_standard_sha": {"zh": "标准哈希", "en": "Standard SHA-256"},
    "report_input": {"zh": "输入文件", "en": "Input file"},
    "report_input_sha": {"zh": "输入哈希", "en": "Input SHA-256"},
    "report_checked_at": {"zh": "检查时间（世界协调时）", "en": "Checked at (UTC)"},
    "report_findings": {"zh": "结果统计", "en": "Findings"},
    "report_summary": {"zh": "项目汇总", "en": "Summary per project"},
    "report_failing": {"zh": "不通过项目地图", "en": "Failing projects"},
    "report_failing_note": {
        "zh": "红色为不满足要求的配套设施与单体建筑（灰色为其他建筑）；无底图。",
        "en": "Fittings and buildings of a failed rule in red (other buildings grey); no basemap.",
    },
    "report_not_encoded": {"zh": "本目录尚未编码的要求", "en": "Not encoded by this catalogue"},
    "report_not_encoded_note": {
        "zh": "检查通过不代表满足以下要求：",
        "en": "A clean run says nothing about these:",
    },
    "report_more_maps": {
        "zh": "仅绘制前 {shown} 个项目的地图。",
        "en": "Maps of the first {shown} projects only.",
    },
    "report_all_findings": {"zh": "全部检查结果", "en": "All findings"},
    "cobuild_title": {"zh": "共建共享建议", "en": "Co-build recommendations"},
    "cobuild_summary": {"zh": "汇总", "en": "Summary"},
    "cobuild_recs": {"zh": "全部建议", "en": "Recommendations"},
    "download_report": {"zh": "下载 HTML", "en": "Download HTML"},
    # Streamlit's own widget texts, shown in Chinese by app_pages/widget_texts.py
    "st_upload": {"zh": "上传文件", "en": "Upload"},
    "st_drop_here": {"zh": "将文件拖放到此处", "en": "Drag and drop a file here"},
    "st_limit": {"zh": "单个文件不超过 {limit}", "en": "{limit} per file"},
    "st_stop": {"zh": "停止", "en": "Stop"},
    "st_stopping": {"zh": "正在停止…", "en": "Stopping..."},
    # input errors
    "err_input": {"zh": "输入有误", "en": "The input has a problem"},
    "err_catalogue": {"zh": "标准目录文件有误", "en": "The standards catalogue has problems"},
    "err_read": {"zh": "无法读取该文件", "en": "The file could not be read"},
    "err_crs": {"zh": "坐标系有误", "en": "The coordinate system is wrong or missing"},
    "err_schema": {
        "zh": "数据内容有误（已列出全部问题）",
        "en": "The data has problems (all listed)",
    },
    "err_geometry": {"zh": "几何图形无效", "en": "The geometry is invalid"},
    "err_unsafe": {"zh": "文件不安全，已拒绝", "en": "The file is unsafe and was refused"},
    "err_output": {"zh": "无法写出结果", "en": "The output cannot be written"},
    "err_forbidden": {"zh": "无权执行此操作", "en": "You may not do this"},
    "err_conflict": {"zh": "记录已被他人修改", "en": "Someone else changed this record"},
    "err_empty": {"zh": "文件为空", "en": "The file is empty"},
    "err_rows_hint": {
        "zh": "行号从 1 开始，按表头下方的数据行计数",
        "en": "Rows count from 1, the first row below the header",
    },
    "err_date_format": {
        "zh": "日期的日、月顺序不明确：请说明是“日/月/年”（dmy）还是“月/日/年”（mdy）",
        "en": "The day/month order of the dates is unclear: say dmy or mdy",
    },
    "err_encoding": {
        "zh": "文字编码无法识别：请另存为 UTF-8，或指明编码（如 GBK）",
        "en": "The text encoding is not recognised: save as UTF-8 or say the encoding (e.g. GBK)",
    },
    # app labels added for the map a planner opens every morning (issue 18)
    "choose": {"zh": "请选择…", "en": "Choose…"},
    "choose_any": {"zh": "全部（可多选）", "en": "All (choose to narrow)"},
    "choose_project": {"zh": "选择或输入项目编号…", "en": "Choose or type a project…"},
    "basemap_local": {
        "zh": "本地瓦片包（MBTiles/PMTiles）",
        "en": "Local tile package (MBTiles/PMTiles)",
    },
    "basemap_custom": {"zh": "内网瓦片（WGS84）", "en": "Intranet tiles (WGS84)"},
    "basemap_custom_gcj02": {"zh": "内网瓦片（GCJ-02）", "en": "Intranet tiles (GCJ-02)"},
    "basemap_osm": {"zh": "OpenStreetMap（需联网）", "en": "OpenStreetMap (needs internet)"},
    "basemap_amap": {"zh": "高德地图（需联网，GCJ-02）", "en": "AMap (needs internet, GCJ-02)"},
    "basemap_tianditu": {"zh": "天地图（需联网与密钥）", "en": "Tianditu (internet and key)"},
    "basemap_file": {"zh": "瓦片包文件路径", "en": "Tile package file"},
    "basemap_url": {"zh": "瓦片地址模板 {z}/{x}/{y}", "en": "Tile URL template {z}/{x}/{y}"},
    "basemap_missing": {
        "zh": "未找到底图瓦片包：{detail}。地图仅显示本地图层。",
        "en": "The basemap tile package could not be used: {detail}. Only local layers are drawn.",
    },
    "tile_notice": {
        "zh": "底图瓦片加载失败（{name}）：仅显示本地图层。",
        "en": "Basemap tiles failed to load ({name}): only local layers are shown.",
    },
    "layer_outlines": {"zh": "项目用地轮廓（14级起）", "en": "Project outlines (from zoom 14)"},
    "layer_stations": {"zh": "地铁站", "en": "Metro stations"},
    "legend_coverage": {"zh": "网格覆盖率（约1公里）", "en": "Covered share (1 km grid)"},
    "legend_gaps": {"zh": "覆盖空白（未覆盖）", "en": "Coverage gap (not covered)"},
    "legend_towers": {"zh": "现状基站（数字为聚合数）", "en": "Existing towers (count)"},
    "legend_selected": {"zh": "所选项目", "en": "Selected project"},
    "legend_project": {"zh": "项目：{status}", "en": "Project: {status}"},
    "legend_heavy": {
        "zh": "实线：重（用地直接相接）",
        "en": "solid: heavy (the works' footprints touch)",
    },
    "legend_light": {
        "zh": "虚线：轻（仅在缓冲距离内）",
        "en": "dashed: light (within the buffer only)",
    },
    "tip_piece": {
        "zh": "此处未覆盖 {v} km²（本网格）",
        "en": "Not covered here: {v} km² (this cell)",
    },
    "tip_cell": {"zh": "本网格覆盖率 {v} %", "en": "This cell is {v} % covered"},
    "tip_gap": {"zh": "属于空白区 {v}", "en": "Part of gap {v}"},
    "tip_gap_area": {"zh": "空白区总面积 {v} km²", "en": "The whole gap: {v} km²"},
    "tip_projects": {"zh": "涉及项目：{v}", "en": "Projects here: {v}"},
    "tip_grid": {"zh": "网格覆盖率", "en": "Covered share"},
    "tip_tower": {"zh": "基站", "en": "Tower"},
    "tip_station": {"zh": "地铁站", "en": "Station"},
    "tip_line": {"zh": "线路", "en": "Line"},
    "tip_sensor": {"zh": "监测站", "en": "Station"},
    "search": {
        "zh": "搜索：项目编号或名称、地铁站、道路、坐标（经度,纬度）",
        "en": "Search: project id or name, metro station, road, coordinates (lon,lat)",
    },
    "search_placeholder": {
        "zh": "如 PD-B02、张江路、陆家嘴、121.5,31.24",
        "en": "e.g. PD-B02, Zhangjiang Road, Lujiazui, 121.5,31.24",
    },
    "search_none": {"zh": "没有找到“{q}”。", "en": "Nothing found for '{q}'."},
    "search_pick": {"zh": "搜索结果", "en": "Results"},
    "place_project": {"zh": "项目", "en": "project"},
    "place_station": {"zh": "地铁站", "en": "metro station"},
    "place_road": {"zh": "道路", "en": "road"},
    "legend_road": {"zh": "道路上的工程：{road}", "en": "Works on {road}"},
    "place_coordinates": {"zh": "坐标", "en": "coordinates"},
    "verdict": {"zh": "结论", "en": "Verdict"},
    "verdict_line": {"zh": "结论：{verdict}", "en": "Verdict: {verdict}"},
    "projects_shown": {"zh": "显示 {n} / {total} 个项目", "en": "{n} of {total} projects shown"},
    "check_counts": {
        "zh": "{projects} 个项目：{fail} 个不通过、{warn} 个提示、{pass_} 个通过；"
        "共 {rows} 条检查结果",
        "en": "{projects} projects: {fail} failing, {warn} with warnings, {pass_} passing; "
        "{rows} findings in all",
    },
    "verdicts_title": {"zh": "各项目结论", "en": "Verdict per project"},
    "findings_title": {"zh": "全部检查结果", "en": "All findings"},
    "col_project_id": {"zh": "项目编号", "en": "Project"},
    "col_category": {"zh": "类别", "en": "Category"},
    "col_rule_id": {"zh": "规则", "en": "Rule"},
    "col_clause": {"zh": "条款", "en": "Clause"},
    "col_confidence": {"zh": "可信度", "en": "Confidence"},
    "col_status": {"zh": "结果", "en": "Result"},
    "col_measured": {"zh": "实测值", "en": "Measured"},
    "col_required": {"zh": "要求", "en": "Required"},
    "col_unit": {"zh": "单位", "en": "Unit"},
    "col_message": {"zh": "说明", "en": "Message"},
    "col_obligation": {"zh": "约束", "en": "Obligation"},
    "col_verdict": {"zh": "结论", "en": "Verdict"},
    "col_why": {"zh": "原因", "en": "Why"},
    "col_fail": {"zh": "不通过", "en": "Fail"},
    "col_warn": {"zh": "提示", "en": "Warn"},
    "col_pass": {"zh": "通过", "en": "Pass"},
    "col_not_applicable": {"zh": "不适用", "en": "N/A"},
    "col_rec_id": {"zh": "建议编号", "en": "Recommendation"},
    "col_kind": {"zh": "类型", "en": "Kind"},
    "col_members": {"zh": "涉及项目", "en": "Projects"},
    "col_owners": {"zh": "建设单位", "en": "Owners"},
    "col_severity": {"zh": "冲突程度", "en": "Severity"},
    "col_overlap_start": {"zh": "重叠开始", "en": "Overlap from"},
    "col_overlap_end": {"zh": "重叠结束", "en": "Overlap until"},
    "col_distance_m": {"zh": "距离（米）", "en": "Distance (m)"},
    "col_shared_length_m": {"zh": "共用长度（米）", "en": "Shared length (m)"},
    "col_saving_cny": {"zh": "节约（元，示意）", "en": "Saving (CNY, illustrative)"},
    "col_explanation": {"zh": "说明", "en": "Explanation"},
    "col_building_id": {"zh": "楼号", "en": "Building"},
    "col_collaboration_type": {"zh": "协作方式", "en": "Collaboration"},
    "col_utilities": {"zh": "管线类别", "en": "Utilities"},
    "col_clearance_m": {"zh": "净距（米）", "en": "Clearance (m)"},
    "col_compatibility": {"zh": "可否同沟", "en": "Compatibility"},
    "col_overlap_days": {"zh": "工期重叠（天）", "en": "Overlap (days)"},
    "col_move_days": {"zh": "需调整工期（天）", "en": "Days to move"},
    "col_cost_source": {"zh": "单价来源", "en": "Cost source"},
    "col_cost_confidence": {"zh": "单价可信度", "en": "Cost confidence"},
    "col_cost_note": {"zh": "单价说明", "en": "Cost note"},
    "col_covered_before": {"zh": "挂载前覆盖率", "en": "Covered before"},
    "col_covered_after": {"zh": "挂载后覆盖率", "en": "Covered after"},
    "col_fingerprint": {"zh": "指纹", "en": "Fingerprint"},
    "col_since": {"zh": "与上次相比", "en": "Since last run"},
    "col_note": {"zh": "备注", "en": "Note"},
    "col_count": {"zh": "条数", "en": "Count"},
    "col_title": {"zh": "规则名称", "en": "Title"},
    "col_applies_when": {"zh": "适用条件", "en": "Applies when"},
    "col_category_label": {"zh": "类别", "en": "Category"},
    "col_id": {"zh": "编号", "en": "Run"},
    "col_name": {"zh": "名称", "en": "Name"},
    "col_file_name": {"zh": "文件", "en": "File"},
    "col_saved_at": {"zh": "保存时间（上海）", "en": "Saved (Shanghai time)"},
    "col_saved_by": {"zh": "保存人", "en": "Saved by"},
    "col_n_projects": {"zh": "项目数", "en": "Projects"},
    "col_n_fail": {"zh": "不通过", "en": "Fail"},
    "heavy": {"zh": "重（用地相接）", "en": "heavy (footprints touch)"},
    "light": {"zh": "轻（缓冲距离内）", "en": "light (within the buffer)"},
    "kind_rule": {"zh": "规则类型", "en": "Rule type"},
    "conf_H": {
        "zh": "H 高：国家或行业标准条文，数值明确",
        "en": "H high: a national or sector standard's clause with a stated value",
    },
    "conf_M": {
        "zh": "M 中：地方政策或通行做法，数值有出处",
        "en": "M medium: local policy or common practice, value with a source",
    },
    "conf_L": {"zh": "L 低：经验值，仅供参考", "en": "L low: a rule of thumb, for guidance only"},
    "confidence_help": {"zh": "可信度 H/M/L 的含义", "en": "What H/M/L confidence means"},
    "obligation_shall": {"zh": "应（强制）", "en": "shall (mandatory)"},
    "obligation_should": {"zh": "宜（推荐）", "en": "should (recommended)"},
    "obligation_may": {"zh": "可", "en": "may"},
    "rule_detail": {"zh": "规则详情", "en": "Rule details"},
    "choose_rule": {"zh": "选择规则查看详情", "en": "Choose a rule to see its details"},
    "params": {"zh": "参数", "en": "Parameters"},
    "download_yaml": {"zh": "下载标准目录（YAML）", "en": "Download the catalogue (YAML)"},
    "template_download": {
        "zh": "下载方案模板（GeoJSON 示例）",
        "en": "Download a template site plan (GeoJSON)",
    },
    "template_help": {
        "zh": "示意方案：每个项目一个用地范围（boundary）或道路中线（centreline），"
        "配套设施为同一 project_id 的其他要素。",
        "en": "An illustrative plan: each project has a site boundary (boundary) or a road "
        "centreline (centreline); its fittings are the other features with the same project_id.",
    },
    "cobuild_pick": {
        "zh": "在表格中选择一行或在地图上点击一条建议，地图上显示其涉及的工程",
        "en": "Choose a row, or click a recommendation on the map, to draw its works",
    },
    "works_layer": {"zh": "叠加工程图层（可选）", "en": "Add a works layer (optional)"},
    "works_upload": {
        "zh": "工程图层文件（GeoPackage、Shapefile、GeoJSON 等）",
        "en": "Works layer file (GeoPackage, Shapefile, GeoJSON, ...)",
    },
    "works_upload_help": {
        "zh": "超过 {limit} 个要素时，地图按网格统计工程数量显示",
        "en": "Above {limit} features the map counts the works per grid cell",
    },
    "works_count": {
        "zh": "工程图层：{n:,} 个要素（超过 {limit:,} 个时按网格计数显示）",
        "en": "Works layer: {n:,} features (counted per grid cell above {limit:,})",
    },
    "layer_works": {"zh": "工程", "en": "Works"},
    "layer_works_grid": {
        "zh": "工程数量（{km} 公里网格）",
        "en": "Works per {km} km cell",
    },
    "tip_works_count": {"zh": "本网格工程数", "en": "Works in this cell"},
    "cobuild_chosen": {
        "zh": "所选建议：{rec}（涉及工程 {members}）",
        "en": "Chosen recommendation: {rec} (works {members})",
    },
    "layer_members": {"zh": "所选建议涉及的工程", "en": "Works of the chosen recommendation"},
    "layer_shared": {"zh": "共用段", "en": "Shared stretch"},
    "timeline": {"zh": "施工时间轴（阴影为重叠期）", "en": "Works timeline (shaded: overlap)"},
    "summary_title": {"zh": "按类型汇总", "en": "Summary by kind"},
    "history_pick": {"zh": "选择记录", "en": "Choose a run"},
    "history_compare": {"zh": "与另一次记录比较", "en": "Compare with another run"},
    "history_resolved": {"zh": "已解决", "en": "Resolved"},
    "history_new": {"zh": "新增问题", "en": "New"},
    "history_still": {"zh": "仍不通过", "en": "Still failing"},
    "history_hash": {"zh": "哈希与来源", "en": "Hashes and sources"},
    "run_label": {
        "zh": "#{id} {file} · {time} · {projects} 个项目、{fail} 条不通过",
        "en": "#{id} {file} · {time} · {projects} projects, {fail} failing",
    },
    "col_by": {"zh": "分组依据", "en": "Grouped by"},
    "col_group": {"zh": "分组", "en": "Group"},
    "col_owner": {"zh": "建设单位", "en": "Owner"},
    "col_file_sha256": {"zh": "输入文件哈希", "en": "Input SHA-256"},
    "col_standard_id": {"zh": "标准", "en": "Standard"},
    "col_standard_version": {"zh": "标准版本", "en": "Version"},
    "col_standard_sha256": {"zh": "标准哈希", "en": "Standard SHA-256"},
    "print_view": {"zh": "打印视图（单页 PDF）", "en": "Print view (one-page PDF)"},
    "print_title": {"zh": "浦东信息基础设施地图", "en": "Pudong ICT infrastructure map"},
    "print_date": {"zh": "制图日期 {date}（上海时间）", "en": "Made {date} (Shanghai time)"},
    "print_sources": {
        "zh": "来源：基站、地铁、区界与空气质量监测站为公开数据（layers/SOURCES.md）；"
        "覆盖为按标准 {std} 的模型估算；项目为示意数据。",
        "en": "Sources: towers, metro, district boundary and air-quality stations are public "
        "data (layers/SOURCES.md); coverage is modelled under standard {std}; projects are "
        "illustrative.",
    },
    "print_back": {"zh": "返回地图", "en": "Back to the map"},
    "column_mapping": {
        "zh": "列映射（文件缺少必需列时）",
        "en": "Column mapping (when a required column is missing)",
    },
    "column_for": {"zh": "文件中作为“{target}”的列", "en": "Column of the file holding '{target}'"},
    # coverage figure (what the sites and the denominator are)
    "coverage_sites_bundled": {
        "zh": "基站为内置样本：2014年单一运营商（上海电信研究数据集）站址的80%随机子集，仅含位置，"
        "并非现网全部站址；",
        "en": "Sites are the bundled sample: a partial 2014 single-operator set (Shanghai "
        "Telecom research dataset, a random 80 % of its locations, positions only), not "
        "today's network; ",
    },
    "coverage_sites_given": {"zh": "基站为用户提供的站址；", "en": "Sites as given; "},
    "coverage_density": {
        "zh": "区域内 {n:,} 个站址，{density:.2f} 个/平方公里，约为预期 {expected:g} 个/平方公里"
        "（每0.2平方公里一处宏站机房）的 {share:.0%}。请用 --sites 提供真实站址。",
        "en": "{n:,} sites in the area, {density:.2f} per km², about {share:.0%} of the "
        "{expected:g} per km² expected (one macro site per 0.2 km²). Give real sites with --sites.",
    },
    "coverage_denominator_datav": {
        "zh": "分母：DataV行政区划多边形 {area:,.0f} 平方公里（含滩涂和水域；陆域约 {land:,.0f} "
        "平方公里），可用 --area 提供陆域多边形",
        "en": "denominator: the DataV administrative polygon, {area:,.0f} km² (shoals and water "
        "included; land is about {land:,.0f} km²); give a land polygon with --area",
    },
    "coverage_denominator": {
        "zh": "分母：所给区域 {area:,.0f} 平方公里",
        "en": "denominator: the area given, {area:,.0f} km²",
    },
    "coverage_figure": {
        "zh": "模拟覆盖率 {share:.1%}（{denominator}）",
        "en": "modelled covered share {share:.1%} ({denominator})",
    },
    # attribute labels
    "attr_area_m2": {"zh": "使用面积", "en": "net area"},
    "attr_width_m": {"zh": "净宽", "en": "width"},
    "attr_clear_height_m": {"zh": "净高", "en": "clear height"},
    "attr_floor_load_kn_m2": {"zh": "楼面荷载", "en": "floor load"},
    "attr_feeder_hole_m2": {"zh": "馈线孔面积", "en": "feeder hole"},
    "attr_door_width_m": {"zh": "门宽", "en": "door width"},
    "attr_shared": {"zh": "共享开放", "en": "open to all operators"},
    "attr_operators": {"zh": "可容纳运营商数", "en": "operators"},
    "attr_spare_holes": {"zh": "备用管孔", "en": "spare holes"},
    "attr_fibres": {"zh": "光纤芯数", "en": "fibres"},
    "attr_fibre_pairs": {"zh": "光纤对数", "en": "fibre pairs"},
    "attr_cable_hole_mm": {"zh": "穿线孔径", "en": "cable hole"},
    "attr_slots": {"zh": "挂载接口", "en": "mounting slots"},
    "attr_households": {"zh": "户数", "en": "households"},
    "attr_gfa_m2": {"zh": "建筑面积", "en": "floor area"},
    "attr_holes": {"zh": "管孔数", "en": "holes"},
    "attr_floors": {"zh": "地上层数", "en": "floors above ground"},
    "attr_underground_floors": {"zh": "地下层数", "en": "floors below ground"},
    "attr_seats": {"zh": "观众席座位数", "en": "seats"},
    "attr_road_class": {"zh": "道路等级", "en": "road class"},
    "attr_site_area_ha": {"zh": "用地面积（公顷）", "en": "site area (ha)"},
    "attr_feeder_sill_m": {"zh": "馈线洞下沿高度", "en": "feeder hole lower edge"},
    "attr_roof_feeder_hole_mm": {"zh": "屋面馈线洞边长", "en": "roof feeder hole side"},
    "attr_door_height_m": {"zh": "门高", "en": "door height"},
    "attr_use": {"zh": "建筑用途", "en": "use"},
    "attr_building_id": {"zh": "建筑编号", "en": "building id"},
    "value_road_class_trunk": {"zh": "主干路", "en": "trunk"},
    "value_road_class_secondary": {"zh": "次干路", "en": "secondary"},
    "value_road_class_branch": {"zh": "支路", "en": "branch"},
    "value_road_class_express": {"zh": "快速路", "en": "express"},
}

STRINGS.update(WORKSPACE_STRINGS)

OP_WORDS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "=", "!=": "≠", "in": "∈"}
"""Comparison operators as the messages show them."""


def t(key: str, lang: str = "en", **fields: object) -> str:
    """Return the text for ``key`` in ``lang``, formatted with ``fields``.

    Examples
    --------
    >>> t("fail", "zh")
    '不通过'
    >>> t("subject_count", "en", fitting="sensor")
    'sensor count'
    """
    entry = STRINGS.get(key)
    if entry is None:
        return key.format(**fields) if fields else key
    text = entry.get(lang) or entry["en"]
    return text.format(**fields) if fields else text


BILINGUAL_SEPARATOR = " | "
"""Between the Chinese and the English of a text kept in both (``中文 | English``)."""


def in_language(text: object, lang: str) -> str:
    """The ``lang`` half of a ``中文 | English`` text; any other text as it is.

    Co-build explanations are stored in both languages so that a CSV reads the same for
    everyone; a page or workbook in one language shows its half. A text that does not split
    into exactly two halves (an id holding the separator) is shown whole, never cut wrongly.

    Examples
    --------
    >>> in_language("共用沟槽 | shared trench", "en")
    'shared trench'
    >>> in_language("共用沟槽 | shared trench", "zh")
    '共用沟槽'
    >>> in_language("A | B | C", "zh")
    'A | B | C'
    """
    if not isinstance(text, str):
        return "" if text is None else str(text)
    parts = text.split(BILINGUAL_SEPARATOR)
    if len(parts) != 2:
        return text
    return parts[0] if lang == "zh" else parts[1]


def column_label(name: str, lang: str = "en") -> str:
    """Return the header a person reads for column ``name`` (one table for app, XLSX and HTML).

    Examples
    --------
    >>> column_label("rule_id", "en"), column_label("rule_id", "zh")
    ('Rule', '规则')
    """
    key = f"col_{name}"
    return t(key, lang) if key in STRINGS else t(name, lang)


def attribute_label(name: str, lang: str = "en") -> str:
    """Return the label of a fitting or project attribute."""
    key = f"attr_{name}"
    return t(key, lang) if key in STRINGS else name


def unit_label(code: str, lang: str = "en") -> str:
    """Return the label of a unit code (``share``, ``households/room``; symbols as they are)."""
    key = f"unit_{code}"
    return t(key, lang) if key in STRINGS else code


def value_label(attribute: str, value: object, lang: str = "en") -> str:
    """Return an attribute value as a reader sees it (``branch`` -> 支路; 10000.0 -> 10000)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    key = f"value_{attribute}_{value}"
    return t(key, lang) if key in STRINGS else str(value)
