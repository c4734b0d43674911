"""Drag and drop for Reflex: @dnd-kit/core (React 19 compatible) wrapped as three components.

`dnd_context(on_drag_end=handler)` calls `handler(dragged_id, drop_zone_id)`; `drop_zone(drop_id=...)`
and `drag_card(drag_id=...)` use dnd-kit's hooks. Pointer and keyboard (Space, arrows, Space) both work.
"""
from __future__ import annotations

import reflex as rx
from reflex.vars import Var

DND_KIT = "@dnd-kit/core@6.3.1"

_ZONE = """
function BgcDropZone({dropId, children, ...rest}) {
  const {setNodeRef, isOver} = useDroppable({id: dropId});
  return <div ref={setNodeRef} data-over={isOver ? "true" : "false"}
    style={{outline: isOver ? "2px dashed var(--indigo-8)" : "none", borderRadius: "12px"}} {...rest}>{children}</div>;
}
"""
_CARD = """
function BgcDragCard({dragId, children, ...rest}) {
  const {attributes, listeners, setNodeRef, transform, isDragging} = useDraggable({id: dragId});
  const style = {transform: transform ? `translate3d(${transform.x}px, ${transform.y}px, 0)` : undefined,
    cursor: isDragging ? "grabbing" : "grab", touchAction: "none", position: "relative",
    zIndex: isDragging ? 20 : "auto", opacity: isDragging ? 0.85 : 1};
  return <div ref={setNodeRef} style={style} {...listeners} {...attributes} {...rest}>{children}</div>;
}
"""


def _drag_end(event: Var) -> tuple[Var[str], Var[str]]:
    return (Var(_js_expr=f"String({event}?.active?.id ?? '')", _var_type=str),
            Var(_js_expr=f"String({event}?.over?.id ?? '')", _var_type=str))


class DndContext(rx.Component):
    library = DND_KIT
    tag = "DndContext"
    on_drag_end: rx.EventHandler[_drag_end]


class DropZone(rx.Component):
    tag = "BgcDropZone"
    drop_id: Var[str]

    def add_imports(self):
        return {DND_KIT: ["useDroppable"]}

    def add_custom_code(self) -> list[str]:
        return [_ZONE]


class DragCard(rx.Component):
    tag = "BgcDragCard"
    drag_id: Var[str]

    def add_imports(self):
        return {DND_KIT: ["useDraggable"]}

    def add_custom_code(self) -> list[str]:
        return [_CARD]


dnd_context = DndContext.create
drop_zone = DropZone.create
drag_card = DragCard.create
