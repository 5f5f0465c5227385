-- probe.lua - loaded into the Wireshark GUI by gui-smoke.sh. Records whether
-- the mtls fields exist in this GUI process and which packets the GUI's own
-- display-filter engine matches with "mtls.problem".
local result = assert(io.open(os.getenv("MTLS_GUI_RESULT"), "w"))
local ok, problem_field = pcall(Field.new, "mtls.problem")
if not ok then
    result:write("field-missing\n")
    result:close()
    return
end
result:write("field-ok\n")
result:flush()

local expert_message = Field.new("_ws.expert.message")

local listener = Listener.new(nil, "mtls.problem")
function listener.packet(pinfo)
    for _, value in ipairs({ problem_field() }) do
        result:write(string.format("packet %d %s\n", pinfo.number, tostring(value.value)))
    end
    result:flush()
end

-- The expert entries the GUI's Expert Information dialog lists for mtls.
local experts = Listener.new(nil, "mtls")
function experts.packet(pinfo)
    for _, value in ipairs({ expert_message() }) do
        local code = tostring(value.value):match("^([%l_]+): ")
        if code then
            result:write(string.format("expert %d %s\n", pinfo.number, code))
        end
    end
    result:flush()
end
