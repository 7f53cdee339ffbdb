/* Access to the shadow-stack pointer, which C cannot name. The host restores it after a Lua
 * error unwinds wasm frames through a JavaScript exception (their epilogues never ran). */
	.text
	.globaltype	__stack_pointer, i32

	.hidden	cinn_stack_get
	.globl	cinn_stack_get
	.type	cinn_stack_get,@function
cinn_stack_get:
	.functype	cinn_stack_get () -> (i32)
	global.get	__stack_pointer
	end_function

	.hidden	cinn_stack_set
	.globl	cinn_stack_set
	.type	cinn_stack_set,@function
cinn_stack_set:
	.functype	cinn_stack_set (i32) -> ()
	local.get	0
	global.set	__stack_pointer
	end_function
